package dev.safeload.formats.pytorch;

import dev.safeload.Setting;
import dev.safeload.formats.pickle.PickleProfile;

/**
 * Settings of the PyTorch handler. Pickle resource limits come from {@code Pickle}, zip limits from
 * {@code Zip}.
 */
public final class PyTorch {
  private PyTorch() {}

  /**
   * The profile {@code data.pkl} (and the legacy pickles) must satisfy; default {@link
   * PickleProfile#torchWeightsStrict()}, which mirrors {@code torch.load(weights_only=True)}.
   */
  public static final Setting<PickleProfile> PROFILE =
      Setting.of(
          "pytorch.profile",
          PickleProfile.class,
          PickleProfile.torchWeightsStrict(),
          PickleProfile::named);

  /**
   * The operator allowlist and pickle profile a TorchScript archive ({@code torch.jit.save}, as
   * DJL's PyTorch engine and {@code torch.jit.load} read it) must satisfy; default {@link
   * TorchScriptProfile#strict()}; a policy file may name {@code torchscript-warnings} ({@link
   * TorchScriptProfile#withWarnings()}).
   */
  public static final Setting<TorchScriptProfile> TORCHSCRIPT =
      Setting.of(
          "pytorch.torchscript",
          TorchScriptProfile.class,
          TorchScriptProfile.strict(),
          TorchScriptProfile::named);
}

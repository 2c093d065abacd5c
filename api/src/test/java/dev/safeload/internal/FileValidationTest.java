package dev.safeload.internal;

import static dev.safeload.internal.StageFixtures.allowing;
import static dev.safeload.internal.StageFixtures.bytes;
import static dev.safeload.internal.StageFixtures.magic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.spi.Confidence;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stage 3b on its own: name role and content together, in the documented check order. */
class FileValidationTest {
  static final StageFixtures.Magic AAA = magic("aaa", "AAA", Confidence.MAGIC, "aaa");
  static final StageFixtures.Magic BBB = magic("bbb", "BBB", Confidence.MAGIC, "bbb");
  static final StageFixtures.Magic ALSO_B = magic("alsob", "BBB", Confidence.MAGIC, "ab");
  static final FileValidation V =
      new FileValidation(allowing("aaa", "bbb", "alsob"), List.of(AAA, BBB, ALSO_B), List.of());

  static NameRoles.Claimed named(StageFixtures.Magic h, String ext) {
    return new NameRoles.Claimed(List.of(h), "." + ext);
  }

  @Test
  void aCodeNameIsRefusedBeforeTheContentIsLookedAt() {
    FileValidation.Outcome o = V.validate("run.py", bytes("AAAOK"), new NameRoles.Code("py"));
    assertEquals(List.of(Reason.CODE_FILE), codes(o));
  }

  @Test
  void theNamesHandlerValidatesWhatItRecognises() {
    FileValidation.Outcome o = V.validate("w.aaa", bytes("AAAOK"), named(AAA, "aaa"));
    assertTrue(o.accepted());
    assertEquals("aaa", o.format());
  }

  @Test
  void aNameWhoseHandlerDoesNotRecogniseTheContentIsUnknown() {
    FileValidation.Outcome o = V.validate("w.aaa", bytes("CCCBBBno"), named(AAA, "aaa"));
    assertEquals(List.of(Reason.UNKNOWN_FORMAT), codes(o));
  }

  @Test
  void contentOfAnotherFormatThanTheNameSaysIsAnExtensionMismatch() {
    FileValidation v = new FileValidation(allowing("aaa", "bbb"), List.of(AAA, BBB), List.of());
    FileValidation.Outcome m = v.validate("w.aaa", bytes("BBBOK"), named(AAA, "aaa"));
    assertEquals(Reason.EXTENSION_MISMATCH, codes(m).get(0));
    assertFalse(m.accepted());
  }

  @Test
  void aFileTwoHandlersAcceptEquallyIsAmbiguous() {
    FileValidation.Outcome o = V.validate("w", bytes("BBBOK"), new NameRoles.Silent());
    assertEquals(List.of(Reason.AMBIGUOUS_FORMAT), codes(o));
  }

  @Test
  void contentFoundByDetectionMustCarryOneOfItsHandlersExtensions() {
    FileValidation.Outcome o = V.validate("w.bin", bytes("AAAOK"), new NameRoles.Silent());
    assertEquals(List.of(Reason.EXTENSION_MISMATCH), codes(o));
  }

  @Test
  void aSilentNameWithUnrecognisedContentWaitsForAReference() {
    FileValidation.Outcome o = V.validate("weights.data", bytes("zzzz"), new NameRoles.Silent());
    assertTrue(o.unclaimed());
    assertEquals(List.of(), o.findings());
  }

  @Test
  void anUnreadFormatsNameWithUnrecognisedContentIsUnknown() {
    FileValidation.Outcome o = V.validate("m.h5", bytes("zzzz"), new NameRoles.UnreadFormat("h5"));
    assertEquals(List.of(Reason.UNKNOWN_FORMAT), codes(o));
    assertFalse(o.unclaimed());
  }

  @Test
  void anOpaqueNameIsServedAsOpaqueUnlessItsContentValidatesAsAFormat() {
    FileValidation.Outcome o =
        V.validate("LICENSE", bytes("zzzz"), new NameRoles.Opaque("LICENSE"));
    assertTrue(o.accepted());
    assertEquals(FileValidation.OPAQUE, o.format());
    // content that only looked like a format (a structural guess) and failed is opaque bytes
    StageFixtures.Magic curly = magic("curly", "{", Confidence.STRUCTURAL, "curly");
    FileValidation guess =
        new FileValidation(allowing("aaa", "curly"), List.of(AAA, curly), List.of());
    FileValidation.Outcome looked =
        guess.validate("LICENSE", bytes("{no"), new NameRoles.Opaque("LICENSE"));
    assertEquals(FileValidation.OPAQUE, looked.format());
    assertTrue(looked.accepted());
  }

  @Test
  void anOpaqueNameDoesNotServeAFileWhoseMagicNumberFailedValidation() {
    // a loader that sniffs magic numbers (joblib inflating zlib) opens it whatever its name
    FileValidation.Outcome o =
        V.validate("model.sav", bytes("AAAno"), new NameRoles.Opaque("*.sav"));
    assertFalse(o.accepted());
    assertEquals("aaa", o.format());
    assertTrue(codes(o).contains(Reason.EXTENSION_MISMATCH), o.findings().toString());
  }

  @Test
  void theAllowlistDecidesBetweenEquallyStrongCandidates() {
    FileValidation v = new FileValidation(allowing("bbb"), List.of(AAA, BBB, ALSO_B), List.of());
    FileValidation.Outcome o = v.validate("w.bbb", bytes("BBBOK"), new NameRoles.Silent());
    assertTrue(o.accepted());
    assertEquals("bbb", o.format());
  }

  private static List<ReasonCode> codes(FileValidation.Outcome o) {
    return o.findings().stream().map(Finding::reason).toList();
  }
}

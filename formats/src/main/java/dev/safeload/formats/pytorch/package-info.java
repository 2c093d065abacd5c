/**
 * PyTorch checkpoints ({@code torch.save} zip archives and the legacy format): handler and
 * settings.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.pytorch;

/**
 * The safetensors handlers: single files ({@link
 * dev.safeload.formats.safetensors.SafetensorsHandler}) and sharded models' {@code
 * model.safetensors.index.json} ({@link dev.safeload.formats.safetensors.SafetensorsIndexHandler}),
 * with the settings they read.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.safetensors;

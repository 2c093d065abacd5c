/** in-toto statements carrying OMS model manifests; not exported. */
@org.jspecify.annotations.NullMarked
package dev.safeload.verify.internal.intoto;

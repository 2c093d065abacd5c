package dev.safeload.integration.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.safeload.SafeModelLoader;
import dev.safeload.bom.AiBom;
import dev.safeload.formats.gguf.GgufHandler;
import dev.safeload.integration.arch.bad.ApiThatKnowsHandlers;
import dev.safeload.integration.arch.bad.ExposesInternal;
import dev.safeload.integration.arch.bad.HidesInternal;
import dev.safeload.integration.arch.bad.UsesUnlistedLibrary;
import dev.safeload.integration.arch.bad.internal.Hidden;
import dev.safeload.junit.ModelAssertions;
import dev.safeload.verify.PinSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module rules of DESIGN.md ("Modules"), checked over the compiled main classes of every
 * library module as the build produced them (each module's jar or classes directory, found from one
 * of its classes), and over its compiled {@code module-info}:
 *
 * <ol>
 *   <li>the api knows no handler or verifier: nothing in the api module depends on the formats,
 *       verify, bom or junit modules (handlers and verifiers arrive through the SPI);
 *   <li>formats, verify and bom never depend on each other (junit depends on the api only, too);
 *   <li>each module depends only on what the "may depend on" column allows (the JDK, JSpecify and
 *       its listed libraries);
 *   <li>no type of an exported package shows an {@code ..internal..} type in its signature
 *       (supertypes, type parameters, and the types of public and protected fields, methods and
 *       constructors);
 *   <li>no module exports an {@code ..internal..} package or opens one to everybody.
 * </ol>
 *
 * <p>A module's packages are the ones its module descriptor lists, so a new package is covered
 * without editing this test. Each rule is also run against a small known-bad class set or
 * descriptor ({@code arch.bad}) and must report it: a rule that could not fail would prove nothing.
 */
class ArchitectureTest {

  /** A library module: its compiled classes and its module descriptor. */
  record Module(String name, ModuleDescriptor descriptor, JavaClasses classes) {
    Set<String> packages() {
      return descriptor.packages();
    }

    static Module of(String name, Class<?> anchor) {
      Path location;
      try {
        location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
      Set<ModuleReference> found = ModuleFinder.of(location).findAll();
      assertEquals(1, found.size(), () -> name + ": no single module at " + location);
      ModuleDescriptor descriptor = found.iterator().next().descriptor();
      assertFalse(descriptor.isAutomatic(), () -> name + ": " + location + " has no module-info");
      JavaClasses classes;
      if (Files.isDirectory(location)) {
        classes = new ClassFileImporter().importPath(location);
      } else {
        try (JarFile jar = new JarFile(location.toFile())) {
          classes = new ClassFileImporter().importJar(jar);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      // Guards against a vacuous pass: every rule below needs the module's classes.
      assertTrue(classes.contain(anchor), () -> name + ": classes not imported from " + location);
      return new Module(name, descriptor, classes);
    }
  }

  static final Module API = Module.of("api", SafeModelLoader.class);
  static final Module FORMATS = Module.of("formats", GgufHandler.class);
  static final Module VERIFY = Module.of("verify", PinSet.class);
  static final Module BOM = Module.of("bom", AiBom.class);
  static final Module JUNIT = Module.of("junit", ModelAssertions.class);
  static final List<Module> ALL = List.of(API, FORMATS, VERIFY, BOM, JUNIT);

  private static final String[] JDK = {"java..", "javax.."};
  private static final String[] JSPECIFY = {"org.jspecify.."};
  private static final String[] JACKSON_CORE = {"tools.jackson.core.."};

  // ---- rule 1: the api knows no handler or verifier ----

  static ArchRule apiKnowsNoHandlerOrVerifier() {
    return noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(packagesOf(FORMATS, VERIFY, BOM, JUNIT))
        .as(
            "the api depends on no handler, verifier, BOM or test-kit module (they arrive through the SPI)");
  }

  @Test
  void apiKnowsNoHandlerOrVerifier_holds() {
    apiKnowsNoHandlerOrVerifier().check(API.classes());
  }

  @Test
  void apiKnowsNoHandlerOrVerifier_catchesAViolation() {
    JavaClasses bad = new ClassFileImporter().importClasses(ApiThatKnowsHandlers.class);
    assertTrue(apiKnowsNoHandlerOrVerifier().evaluate(bad).hasViolation());
  }

  // ---- rule 2: formats, verify and bom (and junit) are independent of each other ----

  static ArchRule dependsOnNoSibling(Module self) {
    List<Module> others = new ArrayList<>(List.of(FORMATS, VERIFY, BOM, JUNIT));
    others.remove(self);
    return noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(packagesOf(others.toArray(Module[]::new)))
        .as(self.name() + " depends on none of " + others.stream().map(Module::name).toList());
  }

  @Test
  void formatsVerifyBomAndJunitDoNotDependOnEachOther() {
    for (Module m : List.of(FORMATS, VERIFY, BOM, JUNIT)) {
      dependsOnNoSibling(m).check(m.classes());
    }
  }

  @Test
  void dependsOnNoSibling_catchesAViolation() {
    // ApiThatKnowsHandlers references formats, verify and bom: a violation seen from each of them.
    JavaClasses bad = new ClassFileImporter().importClasses(ApiThatKnowsHandlers.class);
    for (Module m : List.of(FORMATS, VERIFY, BOM)) {
      assertTrue(dependsOnNoSibling(m).evaluate(bad).hasViolation(), m.name());
    }
  }

  // ---- rule 3: each module's dependencies are the ones DESIGN.md allows ----

  static ArchRule onlyAllowedDependencies(Module self, String[] libraries, Module... modules) {
    List<String> allowed = new ArrayList<>(self.packages());
    allowed.addAll(List.of(packagesOf(modules)));
    allowed.addAll(List.of(JDK));
    allowed.addAll(List.of(JSPECIFY));
    allowed.addAll(List.of(libraries));
    return classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(allowed.toArray(String[]::new))
        .as(
            self.name()
                + " depends only on the JDK, JSpecify, "
                + List.of(libraries)
                + " and "
                + Stream.of(modules).map(Module::name).toList());
  }

  @Test
  void eachModuleDependsOnlyOnWhatTheDesignAllows() {
    onlyAllowedDependencies(API, new String[0]).check(API.classes());
    onlyAllowedDependencies(FORMATS, concat(JACKSON_CORE, "org.apache.commons.compress.."), API)
        .check(FORMATS.classes());
    onlyAllowedDependencies(VERIFY, concat(JACKSON_CORE, "org.bouncycastle.."), API)
        .check(VERIFY.classes());
    onlyAllowedDependencies(BOM, JACKSON_CORE, API).check(BOM.classes());
    // JUnit's assertion errors come from opentest4j, which junit-jupiter-api itself requires.
    onlyAllowedDependencies(JUNIT, new String[] {"org.junit..", "org.opentest4j.."}, API)
        .check(JUNIT.classes());
  }

  @Test
  void onlyAllowedDependencies_catchesAViolation() {
    // ONNX Runtime is on no module's list.
    JavaClasses bad = new ClassFileImporter().importClasses(UsesUnlistedLibrary.class);
    assertTrue(onlyAllowedDependencies(BOM, JACKSON_CORE, API).evaluate(bad).hasViolation());
  }

  // ---- rule 4: exported signatures show no internal type ----

  private static final Pattern INTERNAL = Pattern.compile("(.*\\.)?internal(\\..*)?");

  static boolean isInternal(JavaClass c) {
    JavaClass base = c.isArray() ? c.getBaseComponentType() : c;
    return INTERNAL.matcher(base.getPackageName()).matches();
  }

  static ArchRule exportedSignaturesShowNoInternalType(Set<String> exportedPackages) {
    DescribedPredicate<JavaClass> visible =
        new DescribedPredicate<>("are visible outside their module") {
          @Override
          public boolean test(JavaClass c) {
            return exportedPackages.contains(c.getPackageName()) && isVisible(c);
          }
        };
    ArchCondition<JavaClass> noInternal =
        new ArchCondition<>("show no ..internal.. type in their signature") {
          @Override
          public void check(JavaClass c, ConditionEvents events) {
            for (String leak : internalTypesInSignature(c)) {
              events.add(SimpleConditionEvent.violated(c, c.getName() + ": " + leak));
            }
          }
        };
    return classes().that(visible).should(noInternal).allowEmptyShould(false);
  }

  /** Public, or protected inside a visible class, all the way out. */
  static boolean isVisible(JavaClass c) {
    Set<JavaModifier> mods = c.getModifiers();
    boolean own = mods.contains(JavaModifier.PUBLIC) || mods.contains(JavaModifier.PROTECTED);
    return own && c.getEnclosingClass().map(ArchitectureTest::isVisible).orElse(true);
  }

  static boolean isVisible(JavaMember m, JavaClass owner) {
    Set<JavaModifier> mods = m.getModifiers();
    if (mods.contains(JavaModifier.SYNTHETIC) || mods.contains(JavaModifier.BRIDGE)) {
      return false;
    }
    return mods.contains(JavaModifier.PUBLIC)
        || (mods.contains(JavaModifier.PROTECTED)
            && !owner.getModifiers().contains(JavaModifier.FINAL));
  }

  /** Each internal type the class's signature shows, with where it shows it. */
  static List<String> internalTypesInSignature(JavaClass c) {
    List<String> leaks = new ArrayList<>();
    c.getRawSuperclass().ifPresent(s -> addLeaks(leaks, "extends", s.getAllInvolvedRawTypes()));
    c.getInterfaces().forEach(i -> addLeaks(leaks, "implements", i.getAllInvolvedRawTypes()));
    c.getTypeParameters()
        .forEach(t -> addLeaks(leaks, "type parameter", t.getAllInvolvedRawTypes()));
    for (JavaField f : c.getFields()) {
      if (isVisible(f, c)) {
        addLeaks(leaks, "field " + f.getName(), f.getType().getAllInvolvedRawTypes());
      }
    }
    for (JavaCodeUnit u : c.getCodeUnits()) {
      if (!isVisible(u, c)) { // static initializers are never public
        continue;
      }
      String where = u.getFullName();
      addLeaks(leaks, where + " returns", u.getReturnType().getAllInvolvedRawTypes());
      for (JavaType p : u.getParameterTypes()) {
        addLeaks(leaks, where + " takes", p.getAllInvolvedRawTypes());
      }
      u.getTypeParameters()
          .forEach(t -> addLeaks(leaks, where + " type parameter", t.getAllInvolvedRawTypes()));
      addLeaks(leaks, where + " throws", Set.copyOf(u.getThrowsClause().getTypes()));
    }
    return leaks;
  }

  private static void addLeaks(List<String> leaks, String where, Set<JavaClass> types) {
    for (JavaClass t : types) {
      if (isInternal(t)) {
        leaks.add(where + " " + t.getName());
      }
    }
  }

  static Set<String> exported(ModuleDescriptor d) {
    return d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
  }

  @Test
  void exportedSignaturesShowNoInternalType_holds() {
    for (Module m : ALL) {
      exportedSignaturesShowNoInternalType(exported(m.descriptor())).check(m.classes());
    }
  }

  @Test
  void exportedSignaturesShowNoInternalType_catchesAViolation() {
    JavaClasses bad =
        new ClassFileImporter()
            .importClasses(ExposesInternal.class, HidesInternal.class, Hidden.class);
    Set<String> exported = Set.of(ExposesInternal.class.getPackageName());
    assertTrue(exportedSignaturesShowNoInternalType(exported).evaluate(bad).hasViolation());
    // Each way of showing a type is caught; using one privately is not a leak.
    List<String> leaks = internalTypesInSignature(bad.get(ExposesInternal.class));
    for (String expected :
        List.of(
            "extends",
            "implements",
            "type parameter",
            "field exposed",
            "returns",
            "takes",
            "throws")) {
      assertTrue(
          leaks.stream().anyMatch(l -> l.contains(expected)), expected + " not seen in " + leaks);
    }
    assertEquals(List.of(), internalTypesInSignature(bad.get(HidesInternal.class)));
  }

  // ---- rule 5: internal packages are not exported ----

  /** What the descriptor exports, or opens to everybody, that is internal. */
  static List<String> exportedInternals(ModuleDescriptor d) {
    List<String> bad = new ArrayList<>();
    for (ModuleDescriptor.Exports e : d.exports()) {
      if (INTERNAL.matcher(e.source()).matches()) {
        bad.add(d.name() + " exports " + e.source());
      }
    }
    for (ModuleDescriptor.Opens o : d.opens()) {
      // A qualified open (junit's internal package to JUnit's reflection) grants no compile-time
      // access.
      if (INTERNAL.matcher(o.source()).matches() && !o.isQualified()) {
        bad.add(d.name() + " opens " + o.source() + " to everybody");
      }
    }
    if (d.isOpen()) {
      bad.add(d.name() + " is an open module");
    }
    return bad;
  }

  @Test
  void internalPackagesAreNotExported() {
    for (Module m : ALL) {
      // Every library module has internal packages; if none were seen, this test would prove
      // nothing.
      assertTrue(
          m.packages().stream().anyMatch(p -> INTERNAL.matcher(p).matches()),
          m.name() + " has no internal package in " + m.packages());
      assertEquals(List.of(), exportedInternals(m.descriptor()));
    }
  }

  @Test
  void internalPackagesAreNotExported_catchesAViolation() {
    ModuleDescriptor bad =
        ModuleDescriptor.newModule("bad")
            .exports("bad.api")
            .exports("bad.internal")
            .opens("bad.internal.x")
            .packages(Set.of("bad.api", "bad.internal", "bad.internal.x"))
            .build();
    assertEquals(
        List.of("bad exports bad.internal", "bad opens bad.internal.x to everybody"),
        exportedInternals(bad));
  }

  // ---- helpers ----

  private static String[] packagesOf(Module... modules) {
    Set<String> all = new LinkedHashSet<>();
    for (Module m : modules) {
      all.addAll(m.packages());
    }
    return all.toArray(String[]::new);
  }

  private static String[] concat(String[] a, String... b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }
}

package dev.safeload.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.SafeModelLoader;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test kit on the JUnit its users have: {@link OldJUnitGate} runs through the launcher of JUnit
 * 5.10.2 (the minimum; each file one case, named after it) and of 5.9.2 (below it: the run fails at
 * once with a message naming the minimum). Each JUnit lives in a class loader of its own over the
 * jars the build copies to {@code target/old-junit/} (maven-dependency-plugin), with this module's
 * and the api's classes and no format handler.
 */
class JUnitCompatibilityTest {
  static final String MODELS = "target/old-junit-models";

  @BeforeAll
  static void models() throws Exception {
    Files.createDirectories(Path.of(MODELS, "b"));
    Files.writeString(Path.of(MODELS, "a.weights"), "not a model");
    Files.writeString(Path.of(MODELS, "b/c.weights"), "not a model either");
  }

  record Ran(String name, boolean test, String status, String message) {}

  @Test
  void runsOnJUnit510WithCasesNamedAfterTheFiles() throws Exception {
    List<Ran> ran = runOn("5.10");
    List<Ran> tests = ran.stream().filter(Ran::test).toList();
    assertEquals(
        List.of("[1] a.weights", "[2] b/c.weights"),
        tests.stream().map(Ran::name).toList(),
        ran::toString);
    assertTrue(tests.stream().allMatch(r -> r.status().equals("SUCCESSFUL")), ran::toString);
  }

  @Test
  void failsAtOnceOnJUnit59NamingTheMinimum() throws Exception {
    List<Ran> ran = runOn("5.9");
    assertTrue(ran.stream().noneMatch(Ran::test), ran::toString);
    assertTrue(
        ran.stream()
            .anyMatch(
                r ->
                    r.status().equals("FAILED")
                        && r.message()
                            .contains(
                                "safeload-junit needs JUnit Jupiter 5.10 or later, but the test class path has 5.9.2")),
        ran::toString);
  }

  private static List<Ran> runOn(String version) throws Exception {
    List<URL> urls = new ArrayList<>();
    try (Stream<Path> jars = Files.list(Path.of("target/old-junit", version))) {
      for (Path j : jars.sorted().toList()) {
        urls.add(j.toUri().toURL());
      }
    }
    urls.add(Path.of("target/classes").toUri().toURL());
    urls.add(Path.of("target/test-classes").toUri().toURL());
    urls.add(SafeModelLoader.class.getProtectionDomain().getCodeSource().getLocation());
    List<Ran> ran = new ArrayList<>();
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader cl =
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      Thread.currentThread().setContextClassLoader(cl); // the launcher finds its engines through it
      Class<?> builder =
          cl.loadClass("org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder");
      Class<?> selector = cl.loadClass("org.junit.platform.engine.DiscoverySelector");
      Object select =
          cl.loadClass("org.junit.platform.engine.discovery.DiscoverySelectors")
              .getMethod("selectClass", String.class)
              .invoke(null, OldJUnitGate.class.getName());
      Object selectors = Array.newInstance(selector, 1);
      Array.set(selectors, 0, select);
      Object b = builder.getMethod("request").invoke(null);
      b = builder.getMethod("selectors", selectors.getClass()).invoke(b, selectors);
      Object request = builder.getMethod("build").invoke(b);
      Class<?> listenerType = cl.loadClass("org.junit.platform.launcher.TestExecutionListener");
      Object listener =
          Proxy.newProxyInstance(
              cl,
              new Class<?>[] {listenerType},
              (proxy, m, args) -> {
                if (m.getName().equals("executionFinished")) {
                  Object id = args[0];
                  Object result = args[1];
                  Optional<?> thrown = (Optional<?>) call(result, "getThrowable");
                  StringBuilder msg = new StringBuilder();
                  for (Throwable t = (Throwable) thrown.orElse(null); t != null; t = t.getCause()) {
                    msg.append(t).append(" | ");
                  }
                  ran.add(
                      new Ran(
                          (String) call(id, "getDisplayName"),
                          (Boolean) call(id, "isTest"),
                          String.valueOf(call(result, "getStatus")),
                          msg.toString()));
                }
                if (m.getName().equals("equals")) {
                  return proxy == args[0];
                }
                if (m.getName().equals("hashCode")) {
                  return System.identityHashCode(proxy);
                }
                return null;
              });
      Object listeners = Array.newInstance(listenerType, 1);
      Array.set(listeners, 0, listener);
      Class<?> launcherType = cl.loadClass("org.junit.platform.launcher.Launcher");
      Object launcher =
          cl.loadClass("org.junit.platform.launcher.core.LauncherFactory")
              .getMethod("create")
              .invoke(null);
      launcherType
          .getMethod(
              "execute",
              cl.loadClass("org.junit.platform.launcher.LauncherDiscoveryRequest"),
              listeners.getClass())
          .invoke(launcher, request, listeners);
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
    return ran;
  }

  private static Object call(Object target, String method) throws Exception {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) {
        try {
          return i.getMethod(method).invoke(target);
        } catch (NoSuchMethodException e) {
          // try the next
        }
      }
      if (java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
        try {
          Method m = c.getMethod(method);
          return m.invoke(target);
        } catch (NoSuchMethodException e) {
          // try the superclass
        }
      }
    }
    throw new NoSuchMethodException(method + " on " + target.getClass());
  }
}

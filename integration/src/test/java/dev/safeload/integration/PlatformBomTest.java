package dev.safeload.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The Maven BOM ({@code platform/pom.xml}, artifact {@code safeload-bom}) does not inherit the
 * parent, so nothing else keeps it in step: its version must be the reactor's and it must list
 * exactly the published modules (every reactor module that is installed), each at that version.
 */
class PlatformBomTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void theBomListsEveryPublishedModuleAtTheReactorVersion() throws Exception {
    String version = System.getProperty("safeload.expectedVersion");
    Document bom = parse(ROOT.resolve("platform/pom.xml"));
    Element project = bom.getDocumentElement();
    assertEquals("safeload-bom", child(project, "artifactId").getTextContent());
    assertEquals("pom", child(project, "packaging").getTextContent());
    assertEquals(version, child(project, "version").getTextContent());

    List<String> listed = new ArrayList<>();
    NodeList deps =
        child(child(project, "dependencyManagement"), "dependencies")
            .getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      assertEquals("dev.safeload", child(d, "groupId").getTextContent());
      assertEquals("${project.version}", child(d, "version").getTextContent());
      listed.add(child(d, "artifactId").getTextContent());
    }

    List<String> published = new ArrayList<>();
    Element root = parse(ROOT.resolve("pom.xml")).getDocumentElement();
    NodeList modules = child(root, "modules").getElementsByTagName("module");
    for (int i = 0; i < modules.getLength(); i++) {
      String dir = modules.item(i).getTextContent();
      if (dir.equals("platform")) {
        continue;
      }
      String pom = Files.readString(ROOT.resolve(dir).resolve("pom.xml"));
      if (pom.contains("<maven.deploy.skip>true</maven.deploy.skip>")) {
        continue; // not published (test-support is installed for local builds, never deployed)
      }
      Matcher m = Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>").matcher(pom);
      if (m.find() && !pom.contains("<packaging>pom</packaging>")) {
        published.add(m.group(1));
      }
    }
    assertEquals(published.stream().sorted().toList(), listed.stream().sorted().toList());
  }

  private static Document parse(Path p) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(p.toFile());
  }

  private static Element child(Element e, String name) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no <" + name + "> in <" + e.getTagName() + ">");
  }
}

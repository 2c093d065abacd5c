package dev.safeload.formats;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ExploreTest {
  @Test
  void explore() {
    for (String d : new String[] {"pytorch", "numpy", "pickle"}) {
      for (Path p : Scans.files(Scans.resource(d))) {
        var r = Scans.scan(p);
        System.out.println("FIX " + d + "/" + p.getFileName() + " -> " + (r.accepted() ? "ACCEPT " + r.files().get(0).format() : Scans.describe(r)));
      }
    }
    for (Path p : Scans.files(Scans.vectors("pickle/picklescan"))) {
      var r = Scans.scan(p);
      System.out.println("VEC " + p.getParent().getFileName() + "/" + p.getFileName() + " -> " + (r.accepted() ? "ACCEPT" : Scans.describe(r)));
    }
  }
}

// The clean model passes and both reports are written.
def log = new File(basedir, 'build.log').text
assert log.contains('safeload: models/tiny: accepted')
def sarif = new File(basedir, 'target/safeload.sarif')
assert sarif.isFile()
assert sarif.text.contains('"version":"2.1.0"')
assert sarif.text.contains('"results":[]')
def bom = new File(basedir, 'target/safeload-aibom.cdx.json')
assert bom.isFile()
assert bom.text.contains('"bomFormat":"CycloneDX"')
return true

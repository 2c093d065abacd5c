// The project's safeload.json is found from the base directory, as the CLI finds it, and applied: its
// licence allowlist refuses the model, which declares no licence.
def log = new File(basedir, 'build.log').text
assert log.contains('safeload: policy file ' + new File(basedir, 'safeload.json').canonicalPath)
assert log.contains('[LICENSE_UNKNOWN] models/tiny')
assert log.contains('BUILD FAILURE')
def sarif = new File(basedir, 'target/safeload.sarif').text
assert sarif.contains('"ruleId":"LICENSE_UNKNOWN"')
return true

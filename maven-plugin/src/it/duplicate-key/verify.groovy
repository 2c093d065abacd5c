// The planted duplicate key fails the build with its reason code and file, in the log and in the SARIF.
def log = new File(basedir, 'build.log').text
assert log.contains('[SAFETENSORS_DUPLICATE_KEY] models/tiny/model.safetensors')
assert log.contains('BUILD FAILURE')
assert log.contains('1 of 1 model(s) rejected')
def sarif = new File(basedir, 'target/safeload.sarif').text
assert sarif.contains('"ruleId":"SAFETENSORS_DUPLICATE_KEY"')
assert sarif.contains('"uri":"models/tiny/model.safetensors"')
assert new File(basedir, 'target/safeload-aibom.cdx.json').isFile()
return true

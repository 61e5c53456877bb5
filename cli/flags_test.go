package cli

import "flag"

// update rewrites golden files and test scripts instead of comparing against them:
// go test ./cli/ -update
var update = flag.Bool("update", false, "rewrite golden files")

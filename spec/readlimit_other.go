//go:build !unix

package spec

// openNonblock is 0 where FIFOs are not files (Windows): the Stat check is enough.
const openNonblock = 0

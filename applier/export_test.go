package applier

// ErrInterrupted is the error of an outcome skipped because the run was interrupted.
var ErrInterrupted = errInterrupted

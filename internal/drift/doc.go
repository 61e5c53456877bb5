// Package drift turns a plan and the live caches it was made from into a drift report:
// what a cron job needs to know about where the cloud no longer matches Git. It is pure:
// no I/O, and the time is passed in.
//
// The report has five lists, each sorted by (region, name):
//
//   - drifted: declared caches the plan would update, or cannot update now (blocked);
//   - missing: declared caches with no live cache (the plan would create them);
//   - unmanaged: live caches the file does not declare. Those owned by this file's
//     owner (which `apply --prune` would delete) are marked Owned and count as drift;
//     caches of other owners or of none are listed for information only;
//   - unhealthy: declared caches whose status is UpdateFailed or Failed. A cache that is
//     still Preparing, Creating or Updating is not unhealthy, however long it takes;
//   - expiring: declared caches whose ExpireDateTime falls within Options.ExpiringWithin.
//
// Unhealthy and expiring look only at the caches the file declares: the state of other
// people's caches is not this file's drift.
package drift

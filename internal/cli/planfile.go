package cli

import (
	"fmt"
)

// planShapingFlags would narrow or widen a plan; a saved plan is applied as saved.
var planShapingFlags = []string{"file", "region", "target", "prune", "replace", "refresh", "workloads"}

// refuseWithSavedPlan refuses `apply PLANFILE` with a flag that would change what the
// saved plan does, before anything is read or sent: such a flag is never ignored.
// given says whether the command line gave a flag.
func refuseWithSavedPlan(given func(flag string) bool) error {
	for _, name := range planShapingFlags {
		if given(name) {
			return fmt.Errorf("apply PLANFILE applies the saved plan as it was made, and --%s would change it: plan again with --%s and --out, then apply that plan; nothing was applied", name, name)
		}
	}
	return nil
}

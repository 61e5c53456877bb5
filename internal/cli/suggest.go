package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/render"
	"github.com/imcsync/imcsync/internal/suggest"
)

func newSuggestCmd(a *app) *cobra.Command {
	o := &suggestOptions{app: a, pf: planFlags{refresh: "off"}}
	cmd := &cobra.Command{
		Use:   "suggest",
		Short: "Print image caches, ready to paste under imageCaches:, that cover every workload fully",
		Long: "suggest reads the file's workloads (and --workloads), plans the file against the live caches\n" +
			"and prints, as a YAML list to paste under imageCaches:, caches that give every workload ECI\n" +
			"matches automatically and that is not fully covered once the plan is applied one cache\n" +
			"holding all its images: at most 20 images a cache, named after the workloads it serves,\n" +
			"shared by workloads whose images overlap when that saves caches. Size and the other\n" +
			"settings come from the file's defaults. Workloads that name a cache (eci-imc-id) or turn\n" +
			"matching off (eci-auto-imc: \"false\") are left to their annotations.\n\n" +
			"Exit status: 0 printed (also when there is nothing to suggest), 1 error.",
		Example: "  # Which caches would cover the workloads? Paste the output under imageCaches:\n" +
			"  imcsync suggest -f imagecaches.yaml --workloads k8s/prod/\n" +
			"\n" +
			"  # Offline, from a rendered chart\n" +
			"  helm template shop ./chart | imcsync suggest --live describe.json --workloads -",
		Args: cobra.NoArgs,
		RunE: runE(o),
	}
	registerWorkloads(cmd, &o.pf.workloads)
	cmd.Flags().StringVar(&o.live, "live", "", "read saved DescribeImageCaches output (JSON) instead of calling the API")
	return declare(cmd, []string{"file", "output", "region", "endpoint", "sim"}, render.YAML)
}

// suggestOptions are `imcsync suggest`'s options.
type suggestOptions struct {
	*app
	pf   planFlags
	live string // --live: saved DescribeImageCaches output
}

func (o *suggestOptions) complete(*cobra.Command, []string) error { return nil }

func (o *suggestOptions) validate() error { return nil }

// run plans, and prints the caches that cover what the plan leaves uncovered.
func (o *suggestOptions) run(ctx context.Context) error {
	planned, err := o.plan(ctx, o.pf, o.live)
	if err != nil {
		return err
	}
	if !planned.WorkloadsRead {
		return errors.New("no workloads to cover: add a workloads: entry to the file, or name manifests with --workloads PATH")
	}
	taken := map[string]bool{}
	for _, c := range planned.File.Caches {
		taken[c.Region+"/"+c.Name] = true
	}
	for _, l := range planned.Live {
		taken[l.Region+"/"+l.Name] = true
	}
	caches, skipped := suggest.Suggest(planned.Plan.Coverage, taken, planned.File.Region)
	out, err := suggest.YAML(caches, skipped)
	if err != nil {
		return err
	}
	return render.Export(o.stdout, out, o.format)
}

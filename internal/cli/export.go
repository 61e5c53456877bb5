package cli

import (
	"errors"
	"slices"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/export"
)

func init() { commands = append(commands, newExportCmd) }

func newExportCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "export",
		Short: "Print an imagecaches.yaml for the live image caches, to adopt them",
		Long: "export lists the live image caches of the --region regions and prints an imagecaches.yaml\n" +
			"that declares them as they are, so that imcsync can manage caches made elsewhere.\n" +
			"-f is not read. Fields the API never reads back (securityGroupId, vSwitchId,\n" +
			"credentials, …) cannot be exported: add them by hand before the file creates caches.\n\n" +
			"Exit status: 0 printed, 1 error.",
		Example: "  imcsync export --region cn-hangzhou --region cn-shanghai > imagecaches.yaml",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkRegionIDs(a.regions); err != nil {
				return err
			}
			if len(a.regions) == 0 {
				return errors.New("export needs at least one --region, e.g. imcsync export --region cn-hangzhou")
			}
			var regions []string
			for _, r := range a.regions {
				if !slices.Contains(regions, r) {
					regions = append(regions, r)
				}
			}
			conn, err := a.connect(nil)
			if err != nil {
				return err
			}
			defer conn.Close()
			caches, err := conn.Live(cmd.Context(), regions)
			if err != nil {
				return err
			}
			out, err := export.YAML(caches, regions)
			if err != nil {
				return err
			}
			_, err = a.stdout.Write(out)
			return err
		},
	}
}

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"citytwin/viz"
)

func init() { register(newViewCmd) }

func newViewCmd() *cobra.Command {
	var screenshot, at, layers, size, diff, metric string
	var follow bool
	cmd := &cobra.Command{
		Use:   "view RUN_DIR",
		Short: "Replay a run's results on the map in a window, or capture a frame as PNG",
		Long: `view opens a window on a results folder (written by twin run): the map in
Web Mercator with the roads coloured by speed (or flow, density, queue), the
vehicles moving (when the scenario records positions), car parks, chargers
and bins, the grid's lines by loading and buses by voltage, the water
network's pipes by flow and nodes by pressure, a legend, a scale bar, the
KPIs of the manifest and a time slider. Layers: ` + strings.Join(viz.AllLayers, ", ") + `.

With --screenshot the frame at --at is rendered without user interaction,
written as a PNG and the command returns (it still needs a display: under
Xvfb, set DISPLAY and LIBGL_ALWAYS_SOFTWARE=1).

With --diff BASE_RUN the map shows RUN_DIR minus BASE_RUN (variant - base),
entity by entity, on a blue (less) to red (more) scale symmetric about zero:
roads by the change in flow (--metric speed for speed), car parks by
occupancy, grid lines by loading and buses by voltage, water pipes by flow
and nodes by pressure; the KPI panel shows the KPI differences. "--at peak"
is the time of the largest difference of the layers shown.

With --follow the viewer reloads RUN_DIR whenever its manifest.json changes
(a live twin's mirror) and keeps the clock at the newest time.

Controls:
` + viz.Controls,
		Example: `  twin view results/osterbro
  twin view results/osterbro --layers roads,traffic --at 08:00
  twin view results/osterbro --screenshot docs/screenshot.png --at 08:00 --size 1600x1000
  xvfb-run -a twin view results/osterbro --screenshot grid.png --layers buildings,grid
  twin view results/close/variant/seed-1 --diff results/close/base/seed-1 --layers roads --at peak
  twin view --follow results/live`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := viz.ParseOptions(layers, size)
			if err != nil {
				return usageError(err)
			}
			if follow && diff != "" {
				return usageError(errors.New("--follow and --diff do not go together"))
			}
			if follow {
				return runViewer(cmd, args[0], nil, viewerArgs{follow: true, screenshot: screenshot, layers: layers, size: size}) // at the live edge
			}
			run, err := loadView(args[0], diff, metric)
			if err != nil {
				return err
			}
			if o.At, err = viewTime(run, at, o.Layers); err != nil {
				return usageError(err)
			}
			if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
				return errors.New("view: no display (DISPLAY is not set); run under xvfb-run for --screenshot")
			}
			return runViewer(cmd, run.Dir, run, viewerArgs{screenshot: screenshot, layers: layers, size: size,
				at: strconv.FormatFloat(o.At, 'f', -1, 64), diff: diff, metric: metric})
		},
	}
	cmd.Flags().StringVar(&screenshot, "screenshot", "", "write the frame as this PNG file and exit")
	cmd.Flags().StringVar(&at, "at", "", "clock time to show, HH:MM (default: the start); with --diff also peak")
	cmd.Flags().StringVar(&layers, "layers", "all", "layers on, comma-separated ("+strings.Join(viz.AllLayers, ",")+"), all or none")
	cmd.Flags().StringVar(&size, "size", "1600x1000", "window or image size, WIDTHxHEIGHT px")
	cmd.Flags().StringVar(&diff, "diff", "", "baseline run folder: show RUN_DIR minus it (variant - base)")
	cmd.Flags().StringVar(&metric, "metric", "", "colour by this metric where a layer has it (speed, flow, occupancy, loading, pressure...)")
	cmd.Flags().BoolVar(&follow, "follow", false, "reload RUN_DIR whenever its manifest.json changes (a live run)")
	return cmd
}

// loadView loads the run, or its difference with the baseline, and checks
// the metric.
func loadView(dir, diff, metric string) (*viz.Run, error) {
	run, err := viz.Load(dir)
	if err != nil {
		return nil, inputError(err)
	}
	if diff != "" {
		base, err := viz.Load(diff)
		if err != nil {
			return nil, inputError(err)
		}
		if run, err = viz.Diff(base, run); err != nil {
			return nil, inputError(err)
		}
	}
	if metric != "" && !run.UseMetric(metric) {
		return nil, usageError(fmt.Errorf("--metric %q: no layer of %s has it", metric, dir))
	}
	return run, nil
}

// viewTime reads --at: empty is the start, "peak" the time of the largest
// difference of the layers on, else a clock time.
func viewTime(run *viz.Run, at string, layers []string) (float64, error) {
	switch {
	case at == "":
		return 0, nil
	case at == "peak" && run.DiffBase != "":
		return run.PeakTime(layers), nil
	}
	t, err := run.Offset(at)
	if err != nil {
		return 0, fmt.Errorf("--at: %w", err)
	}
	return t, nil
}

// viewerArgs are the settings passed on to twin-viewer.
type viewerArgs struct {
	screenshot, layers, size, at, diff, metric string
	follow                                     bool
}

// runViewer starts the viewer program (see viz.FindViewer) on the run
// folder with the checked options; its exit code 2 becomes ours. run is
// nil when following.
func runViewer(cmd *cobra.Command, dir string, run *viz.Run, a viewerArgs) error {
	exe, err := viz.FindViewer(cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	argv := []string{"-layers", a.layers, "-size", a.size}
	for _, f := range [][2]string{{"-at", a.at}, {"-screenshot", a.screenshot}, {"-diff", a.diff}, {"-metric", a.metric}} {
		if f[1] != "" {
			argv = append(argv, f[0], f[1])
		}
	}
	if a.follow {
		argv = append(argv, "-follow", dir)
	} else {
		argv = append(argv, dir)
	}
	child := exec.Command(exe, argv...)
	child.Stdin, child.Stdout, child.Stderr = os.Stdin, cmd.OutOrStdout(), cmd.ErrOrStderr()
	err = child.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 2 {
		return inputError(fmt.Errorf("view: the viewer rejected its input"))
	}
	if err != nil {
		return fmt.Errorf("view: %s: %w", exe, err)
	}
	if a.screenshot != "" && run != nil {
		t, _ := strconv.ParseFloat(a.at, 64)
		fmt.Fprintf(cmd.OutOrStdout(), "%s: frame at %s written\n", a.screenshot, run.Clock(t))
	}
	return nil
}

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
	var screenshot, at, layers, size string
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

Controls:
` + viz.Controls,
		Example: `  twin view results/osterbro
  twin view results/osterbro --layers roads,traffic --at 08:00
  twin view results/osterbro --screenshot docs/screenshot.png --at 08:00 --size 1600x1000
  xvfb-run -a twin view results/osterbro --screenshot grid.png --layers buildings,grid`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := viz.ParseOptions(layers, size)
			if err != nil {
				return usageError(err)
			}
			run, err := viz.Load(args[0])
			if err != nil {
				return inputError(err)
			}
			if at != "" {
				if o.At, err = run.Offset(at); err != nil {
					return usageError(fmt.Errorf("--at: %w", err))
				}
			}
			if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
				return errors.New("view: no display (DISPLAY is not set); run under xvfb-run for --screenshot")
			}
			return runViewer(cmd, run, screenshot, layers, size, o)
		},
	}
	cmd.Flags().StringVar(&screenshot, "screenshot", "", "write the frame as this PNG file and exit")
	cmd.Flags().StringVar(&at, "at", "", "clock time to show, HH:MM (default: the start)")
	cmd.Flags().StringVar(&layers, "layers", "all", "layers on, comma-separated ("+strings.Join(viz.AllLayers, ",")+"), all or none")
	cmd.Flags().StringVar(&size, "size", "1600x1000", "window or image size, WIDTHxHEIGHT px")
	return cmd
}

// runViewer starts the viewer program (see viz.FindViewer) on the run
// with the checked options; its exit code 2 becomes ours.
func runViewer(cmd *cobra.Command, run *viz.Run, screenshot, layers, size string, o viz.Options) error {
	exe, err := viz.FindViewer(cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	argv := []string{"-layers", layers, "-size", size, "-at", strconv.FormatFloat(o.At, 'f', -1, 64)}
	if screenshot != "" {
		argv = append(argv, "-screenshot", screenshot)
	}
	child := exec.Command(exe, append(argv, run.Dir)...)
	child.Stdin, child.Stdout, child.Stderr = os.Stdin, cmd.OutOrStdout(), cmd.ErrOrStderr()
	err = child.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 2 {
		return inputError(fmt.Errorf("view: the viewer rejected its input"))
	}
	if err != nil {
		return fmt.Errorf("view: %s: %w", exe, err)
	}
	if screenshot != "" {
		fmt.Fprintf(cmd.OutOrStdout(), "%s: frame at %s written\n", screenshot, run.Clock(o.At))
	}
	return nil
}

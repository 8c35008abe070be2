package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Version is the citytwin release; set at build time with
// -ldflags "-X main.Version=...".
var Version = "0.1.0-dev"

func init() { register(newVersionCmd) }

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version of twin and of the Go toolchain that built it",
		Example: "  twin version",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "twin %s (%s, %s/%s)%s\n", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH, vcsRevision())
			return nil
		},
	}
}

func vcsRevision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return " commit " + s.Value[:12]
		}
	}
	return ""
}

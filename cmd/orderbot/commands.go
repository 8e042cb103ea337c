package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orderbot/orderbot/config"
	"github.com/orderbot/orderbot/internal/metrics"
)

// rootCommand builds the command tree; every command closes over e.
func rootCommand(e env) *cobra.Command {
	var configPath string
	root := &cobra.Command{
		Use:   "orderbot",
		Short: "orderbot answers \"where is my order?\" in Slack from the open-order portfolio",
		// Errors are printed once, by main, as one line.
		SilenceErrors: true,
		SilenceUsage:  true,
		// --version: what the Go toolchain recorded in the binary (the
		// release, or the commit of a checkout).
		Version: metrics.ReadBuild().String(),
	}
	root.SetVersionTemplate("orderbot {{.Version}}\n")
	root.PersistentFlags().StringVar(&configPath, "config", "",
		"configuration file (default: "+config.DefaultFile+" in the current folder, if present)")
	load := func() (config.Config, error) {
		cfg, err := config.Load(configPath, e.getenv)
		// A misspelt variable sets nothing: say so, even when the
		// configuration is refused (the typo may be why).
		for _, w := range config.EnvWarnings(environ(e.getenv)) {
			fmt.Fprintln(e.stderr, "orderbot: warning:", w)
		}
		return cfg, err
	}

	dev := &cobra.Command{Use: "dev", Short: "Tools for developing orderbot: sample data and throwaway databases"}
	dev.AddCommand(genCommand(e, load), postgresCommand(e))
	root.AddCommand(configCommand(e, load), migrateCommand(e, load), demoCommand(e, load), importCommand(e, load),
		askCommand(e, load), chatCommand(e, load), serveCommand(e, load), evalCommand(e, load),
		digestCommand(e, load), summaryCommand(e, load), alertsCommand(e, load), apiCommand(e), dev)
	return root
}

func configCommand(e env, load func() (config.Config, error)) *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration, secrets redacted",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load()
			if err != nil {
				return err
			}
			out, err := cfg.YAML()
			if err != nil {
				return err
			}
			_, err = e.stdout.Write(out)
			return err
		},
	}
}

func migrateCommand(e env, load func() (config.Config, error)) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Bring the database schema up to date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load()
			if err != nil {
				return err
			}
			st, err := openStore(cmd.Context(), cfg, e, false, true)
			if err != nil {
				return err
			}
			defer st.Close()
			_, err = e.stdout.Write([]byte("database schema is up to date\n"))
			return err
		},
	}
}

// environ is the process's environment as getenv sees it: os.Environ's
// variables that getenv gives a value, so that a run given its own getenv
// (as tests do) sees its own variables only.
func environ(getenv func(string) string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); getenv(name) != "" {
			out = append(out, kv)
		}
	}
	return out
}

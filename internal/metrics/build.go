package metrics

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/mod/module"
)

// Build says which orderbot is running: what `orderbot --version` prints
// and orderbot_build_info exports.
type Build struct {
	// Version is the module's version when built from a tagged release
	// (go install github.com/orderbot/orderbot/cmd/orderbot@v1.2.0), else
	// "(devel)".
	Version string
	// Commit is the VCS revision the binary was built from, "unknown" when
	// the build did not record it (go run, go test, a module download).
	Commit string
	// Modified is set when the working tree had changes not committed.
	Modified bool
	// GoVersion is the Go release that built the binary.
	GoVersion string
}

// ReadBuild returns the running binary's Build, from what the Go toolchain
// recorded in it.
func ReadBuild() Build {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return BuildOf(nil)
	}
	return BuildOf(bi)
}

// BuildOf reads a Build from bi, which may be nil. Go 1.24 and later stamp
// an untagged checkout's version as a pseudo-version
// (v0.0.0-20260101120000-abcdef123456+dirty): that is not a release, and
// the commit already says which one, so it reads as "(devel)".
func BuildOf(bi *debug.BuildInfo) Build {
	b := Build{Version: "(devel)", Commit: "unknown", GoVersion: "unknown"}
	if bi == nil {
		return b
	}
	if bi.GoVersion != "" {
		b.GoVersion = bi.GoVersion
	}
	if v, _, _ := strings.Cut(bi.Main.Version, "+"); v != "" && v != "(devel)" && !module.IsPseudoVersion(v) {
		b.Version = v
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if s.Value != "" {
				b.Commit = s.Value
			}
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// String is the line `orderbot --version` prints, e.g. "v1.2.0 (commit
// 4f1c2a9e0b7d, go1.26.0)" or "(devel) (commit 4f1c2a9e0b7d, modified,
// go1.26.0)".
func (b Build) String() string {
	commit := b.Commit
	if len(commit) > 12 {
		commit = commit[:12]
	}
	modified := ""
	if b.Modified {
		modified = ", modified"
	}
	return fmt.Sprintf("%s (commit %s%s, %s)", b.Version, commit, modified, b.GoVersion)
}

// commitLabel is the commit label of orderbot_build_info: the full
// revision, "-modified" appended when the tree had uncommitted changes.
func (b Build) commitLabel() string {
	if b.Modified {
		return b.Commit + "-modified"
	}
	return b.Commit
}

// BuildInfo exports b as orderbot_build_info, a gauge of 1 whose labels
// say which orderbot runs (a dashboard joins it to other series, an alert
// tells replicas of different versions apart).
func (m *Metrics) BuildInfo(b Build) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name:        "orderbot_build_info",
		Help:        "Always 1; its labels say which orderbot build is running.",
		ConstLabels: prometheus.Labels{"version": b.Version, "commit": b.commitLabel(), "go_version": b.GoVersion},
	}, func() float64 { return 1 }))
}

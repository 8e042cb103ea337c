package repocheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// maxExposure is the most systemd-analyze security may rate the unit:
// "OK" ends at 4.9; 3.0 leaves room for what orderbot cannot do without
// (the network).
const maxExposure = "3.0"

// TestSystemdUnitIsHardened: the unit keeps its sandbox (each directive
// below is one an edit could drop), and where systemd-analyze is
// installed, its rating stays at or under maxExposure.
func TestSystemdUnitIsHardened(t *testing.T) {
	unit := filepath.Join("..", "..", "deploy", "orderbot.service")
	raw, err := os.ReadFile(unit)
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	for _, line := range strings.Split(string(raw), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			set[line] = true
		}
	}
	for _, want := range []string{
		"NoNewPrivileges=yes", "CapabilityBoundingSet=", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
		"PrivateDevices=yes", "ProtectKernelTunables=yes", "ProtectKernelModules=yes", "ProtectControlGroups=yes",
		"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK", "RestrictNamespaces=yes", "LockPersonality=yes",
		"MemoryDenyWriteExecute=yes", "SystemCallArchitectures=native", "SystemCallFilter=@system-service",
	} {
		if !set[want] {
			t.Errorf("%s lacks %s", unit, want)
		}
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed: the unit's rating is not checked")
	}
	out, err := exec.Command(analyze, "security", "--offline=yes", "--threshold="+strings.ReplaceAll(maxExposure, ".", ""), unit).CombinedOutput()
	overall := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`).FindSubmatch(out)
	if overall == nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, out)
	}
	t.Logf("systemd-analyze security rates %s %s", unit, overall[1])
	if err != nil {
		t.Errorf("systemd-analyze security rates %s %s, above %s: %v", unit, overall[1], maxExposure, err)
	}
}

// TestImagesArePinned: every image the Dockerfile builds from is pinned
// by its digest, so that a rebuild gets the same bytes.
func TestImagesArePinned(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "deploy", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	pinned := regexp.MustCompile(`^FROM (--platform=\S+ )?\S+@sha256:[0-9a-f]{64}( AS \w+)?$`)
	froms := 0
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "FROM ") {
			continue
		}
		froms++
		if !pinned.MatchString(strings.TrimSpace(line)) {
			t.Errorf("deploy/Dockerfile: %q is not pinned by digest (IMAGE:TAG@sha256:...)", line)
		}
	}
	if froms == 0 {
		t.Error("deploy/Dockerfile has no FROM line")
	}
}

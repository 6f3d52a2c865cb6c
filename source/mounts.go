package source

import (
	"os"
	"path/filepath"
)

// DefaultMounts returns where desktops mount removable volumes: udisks2's
// /media/$USER (Debian, Ubuntu) and /run/media/$USER (Fedora, Arch), then
// /media itself (fstab entries, older automounters); /Volumes on macOS.
func DefaultMounts(getenv func(string) string, goos string) []string {
	if goos == "darwin" {
		return []string{"/Volumes"}
	}
	var out []string
	if u := getenv("USER"); u != "" && filepath.Base(u) == u {
		out = append(out, filepath.Join("/media", u), filepath.Join("/run/media", u))
	}
	return append(out, "/media")
}

// Volume is a mounted volume found by MountedVolumes.
type Volume struct {
	Dir  string // the mount point, e.g. /media/me/KOBOeReader
	File string // the file found on it
}

// MountedVolumes returns the volumes named like one of names (exactly, as
// devices label them: "KOBOeReader", "Kindle") under env.Mounts that hold
// the regular file rel, each once, in the order of env.Mounts.
func MountedVolumes(env Env, rel string, names ...string) []Volume {
	var out []Volume
	seen := map[string]bool{}
	for _, m := range env.Mounts {
		for _, n := range names {
			dir := filepath.Join(m, n)
			p := filepath.Join(dir, rel)
			real, err := filepath.EvalSymlinks(p)
			if err != nil || seen[real] {
				continue
			}
			if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
				seen[real] = true
				out = append(out, Volume{Dir: dir, File: p})
			}
		}
	}
	return out
}

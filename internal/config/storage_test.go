package config_test

import (
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/internal/config"
)

func TestStorageKeys(t *testing.T) {
	c, err := config.Parse("/etc/hoard/hoard.toml", []byte(`root = "s3://my-bucket/exports/"
host = "laptop"
after_run = ["restic", "backup", "{root}"]

[s3]
endpoint = "http://127.0.0.1:7070"
region = "eu-central-1"
secrets = "s3.toml"

[sources.zsh]
exporter = "file"
path = "/h"
per_host = true
keep_identical = true

[sources.ff]
exporter = "file"
path = "/p"
`), kinds.Params)
	if err != nil {
		t.Fatal(err)
	}
	want := config.S3{Bucket: "my-bucket", Prefix: "exports", Endpoint: "127.0.0.1:7070", Secure: false, Region: "eu-central-1", Secrets: "/etc/hoard/s3.toml"}
	if c.S3 == nil || *c.S3 != want || c.Root != "s3://my-bucket/exports" {
		t.Errorf("s3 %+v root %q", c.S3, c.Root)
	}
	if c.Host != "laptop" || strings.Join(c.AfterRun, " ") != "restic backup {root}" {
		t.Errorf("host %q after_run %v", c.Host, c.AfterRun)
	}
	if z := c.Sources["zsh"]; z.Host != "laptop" || !z.KeepIdentical {
		t.Errorf("zsh %+v", z.Source)
	}
	if f := c.Sources["ff"]; f.Host != "" || f.KeepIdentical {
		t.Errorf("ff %+v", f.Source)
	}
	// Defaults: https AWS endpoint, us-east-1; the host is this machine's.
	c, err = config.Parse("hoard.toml", []byte("root = \"s3://b-1\"\n[s3]\nsecrets = \"/s\"\n[sources.a]\nexporter = \"file\"\npath = \"/x\"\nper_host = true\n"), kinds.Params)
	if err != nil {
		t.Fatal(err)
	}
	if c.S3.Endpoint != "s3.amazonaws.com" || !c.S3.Secure || c.S3.Region != "us-east-1" || c.S3.Prefix != "" || c.Root != "s3://b-1" {
		t.Errorf("defaults %+v %q", c.S3, c.Root)
	}
	if h := config.HostName(); h == "" || c.Sources["a"].Host != h {
		t.Errorf("host %q, source's %q", h, c.Sources["a"].Host)
	}
}

func TestStorageErrors(t *testing.T) {
	src := "[sources.a]\nexporter = \"file\"\npath = \"/x\"\n"
	tests := []struct{ name, text, want string }{
		{"s3 without table", "root = \"s3://bucket\"\n" + src, `hoard.toml:1: root is an s3:// address: add an [s3] table`},
		{"bad bucket", "root = \"s3://B_x/p\"\n[s3]\nsecrets = \"/s\"\n", `hoard.toml:1: root: "s3://B_x/p": "B_x" is not a bucket name`},
		{"dotdot key", "root = \"s3://bucket/a/../../x\"\n[s3]\nsecrets = \"/s\"\n", `'..' is not allowed`},
		{"no secrets", "root = \"s3://bucket\"\n[s3]\nregion = \"x\"\n", `hoard.toml:2: [s3]: missing key "secrets"`},
		{"bad endpoint", "root = \"s3://bucket\"\n[s3]\nsecrets = \"/s\"\nendpoint = \"ftp://x\"\n", `hoard.toml:4: s3.endpoint = "ftp://x"`},
		{"endpoint with path", "root = \"s3://bucket\"\n[s3]\nsecrets = \"/s\"\nendpoint = \"https://x/bucket\"\n", `no path`},
		{"s3 table on a directory", "root = \"/r\"\n[s3]\nsecrets = \"/s\"\n", `hoard.toml:2: [s3] is only read when root is an s3:// address`},
		{"bad host", "root = \"/r\"\nhost = \"../up\"\n", `hoard.toml:2: host = "../up"`},
		{"empty after_run", "root = \"/r\"\nafter_run = []\n", `hoard.toml:2: after_run: give a program`},
		{"after_run placeholder", "root = \"/r\"\nafter_run = [\"restic\", \"{repo}\"]\n", `hoard.toml:2: after_run: unknown placeholder {repo}`},
		{"unknown s3 key", "root = \"s3://bucket\"\n[s3]\nsecrets = \"/s\"\nbucket = \"x\"\n", `hoard.toml:4: unknown key "s3.bucket"`},
		{"per_host latest", "root = \"/r\"\n" + src + "per_host = true\nmerge = \"latest\"\n", `per_host = true needs merge = "union"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("hoard.toml", []byte(tt.text), kinds.Params)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want %q", err, tt.want)
			}
		})
	}
}

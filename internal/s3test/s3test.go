// Package s3test runs a real S3-compatible server for tests: versitygw
// (Apache-2.0, github.com/versity/versitygw) with its posix backend,
// listening on 127.0.0.1. The server is a separate program, never linked
// into hoard: it is built once with `go install` into a cache directory
// (through the Go module proxy; a few minutes the first time) and started
// once per test process.
//
// When it cannot be built here (no module proxy), tests that need it skip
// with a message, unless HOARD_S3_REQUIRED or HOARD_CI is set
// (scripts/s3-test.sh sets the first, .ci/run the second), where they fail. HOARD_VERSITYGW names a binary to use
// instead of building one.
package s3test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"golang.org/x/sys/unix"
)

// Version is the versitygw release the tests run.
const Version = "v1.8.0"

// Server is a running S3 service.
type Server struct {
	Endpoint  string // host:port, plain http
	AccessKey string
	SecretKey string
	Region    string
	Data      string // the posix backend's directory: buckets are its subdirectories
}

var (
	once    sync.Once
	srv     *Server
	srvErr  error
	srvProc *exec.Cmd
)

// Start returns the process's server, starting it on first use. It skips
// the test (or fails it, under HOARD_S3_REQUIRED) when no server can run.
func Start(t testing.TB) *Server {
	t.Helper()
	once.Do(func() { srv, srvErr = start() })
	if srvErr != nil {
		if os.Getenv("HOARD_S3_REQUIRED") != "" || os.Getenv("HOARD_CI") != "" {
			t.Fatalf("S3 test server: %v", srvErr)
		}
		t.Skipf("no S3 test server here (%v); scripts/s3-test.sh builds versitygw %s and runs these tests", srvErr, Version)
	}
	return srv
}

// Stop ends the server, if one was started (call it from TestMain).
func Stop() {
	if srvProc != nil && srvProc.Process != nil {
		srvProc.Process.Signal(unix.SIGTERM)
		done := make(chan struct{})
		go func() { srvProc.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			srvProc.Process.Kill()
		}
	}
	if srv != nil {
		os.RemoveAll(srv.Data)
	}
}

// Bucket creates a new empty bucket and returns its name.
func (s *Server) Bucket(t testing.TB) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	name := "hoard-test-" + hex.EncodeToString(b)
	c, err := s.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.MakeBucket(ctx, name, minio.MakeBucketOptions{Region: s.Region}); err != nil {
		t.Fatalf("creating bucket %s: %v", name, err)
	}
	return name
}

// Client returns a plain client of the server, for checks.
func (s *Server) Client() (*minio.Client, error) {
	return minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""), Region: s.Region, BucketLookup: minio.BucketLookupPath})
}

// Binary returns the path of a versitygw binary, building it into the
// cache if needed (one build at a time, across processes).
func Binary() (string, error) {
	if p := os.Getenv("HOARD_VERSITYGW"); p != "" {
		return p, nil
	}
	cache := os.Getenv("HOARD_TEST_CACHE")
	if cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		cache = filepath.Join(dir, "hoard-test")
	}
	dir := filepath.Join(cache, "versitygw-"+Version)
	bin := filepath.Join(dir, "versitygw")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		return "", err
	}
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	goBin := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command(goBin, "install", "github.com/versity/versitygw/cmd/versitygw@"+Version)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go install versitygw@%s: %v: %s", Version, err, lastLines(out.String(), 5))
	}
	if err := os.Rename(filepath.Join(tmp, "versitygw"), bin); err != nil {
		return "", err
	}
	return bin, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "; ")
}

func start() (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	data, err := os.MkdirTemp("", "hoard-s3-")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{Endpoint: fmt.Sprintf("127.0.0.1:%d", port), AccessKey: "hoardtestaccess", SecretKey: "hoard-test-secret-key-0123456789", Region: "us-east-1", Data: data}
	cmd := exec.Command(bin, "--port", s.Endpoint, "--access", s.AccessKey, "--secret", s.SecretKey, "--region", s.Region, "posix", data)
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	// The server dies with the test process: Pdeathsig fires when the
	// thread that started it ends, so it is started from a goroutine
	// locked to its thread that lives as long as the process.
	cmd.SysProcAttr = &unix.SysProcAttr{Pdeathsig: unix.SIGKILL, Setpgid: true}
	started := make(chan error)
	go func() {
		runtime.LockOSThread()
		started <- cmd.Start()
		select {} // keep the thread
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	srvProc = cmd
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", s.Endpoint, time.Second); err == nil {
			c.Close()
			return s, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	return nil, fmt.Errorf("versitygw did not start listening on %s: %s", s.Endpoint, lastLines(logs.String(), 5))
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer collects the server's output from its two pipes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// needTool finds a program on the machine, or skips the test without it;
// in CI (MENTORSKAP_CI=1), which installs it, it fails instead.
func needTool(t *testing.T, name string, more ...string) string {
	t.Helper()
	for _, n := range append([]string{name}, more...) {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	if os.Getenv("MENTORSKAP_CI") == "1" {
		t.Fatalf("%s not found; CI installs it", name)
	}
	t.Skipf("%s not found: skipping (apt-get install %s to run this test)", name, name)
	return ""
}

var execLine = regexp.MustCompile(`(?m)^ExecStart=(\S+) (.*)$`)

// TestSystemdUnits has systemd-analyze verify the units in contrib/systemd,
// with ExecStart pointed at an executable that exists here, and checks
// that every flag the units pass is one the command has: a renamed flag
// would otherwise only show when the service fails to start.
func TestSystemdUnits(t *testing.T) {
	t.Parallel()
	analyze := needTool(t, "systemd-analyze")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join("..", "..", "contrib", "systemd")
	units := []string{"mentorskap.service", "mentorskap-backup.service", "mentorskap-backup.timer"}
	for _, u := range units {
		b, err := os.ReadFile(filepath.Join(src, u))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, m := range execLine.FindAllStringSubmatch(text, -1) {
			checkFlags(t, u, m[0])
		}
		text = strings.ReplaceAll(text, "/usr/local/bin/mentorskap", self)
		if err := os.WriteFile(filepath.Join(dir, u), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(analyze, "verify", "mentorskap.service", "mentorskap-backup.service", "mentorskap-backup.timer")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}

	// The sandbox is what the unit promises: a low exposure score.
	cmd = exec.Command(analyze, "security", "--offline=true", "--threshold=20", "mentorskap.service")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Overall exposure level for mentorskap.service: ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no exposure level in:\n%s", out)
	}
	// 1.2 when written; systemd calls up to 2.0 "OK".
	if level, err := strconv.ParseFloat(string(m[1]), 64); err != nil || level > 2 {
		t.Errorf("exposure level %s, more than 2", m[1])
	}
}

// checkFlags runs the command line of an ExecStart with --help and fails
// the test when the command does not know one of its flags.
func checkFlags(t *testing.T, unit, line string) {
	t.Helper()
	fields := strings.Fields(line)
	var sub string
	for i, f := range fields {
		if strings.HasSuffix(f, "/mentorskap") && i+1 < len(fields) {
			sub = strings.Trim(fields[i+1], `'"`)
			fields = fields[i+2:]
			break
		}
	}
	if sub == "" {
		t.Fatalf("%s: no mentorskap command in %q", unit, line)
	}
	_, help, _ := runCLI(t, "", sub, "--help")
	for _, f := range fields {
		name, _, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if strings.HasPrefix(f, "--") && !strings.Contains(help, "  -"+name+" ") && !strings.Contains(help, "  -"+name+"\n") {
			t.Errorf("%s: mentorskap %s has no flag %s", unit, sub, f)
		}
	}
}

// TestNginxExample has nginx -t check contrib/nginx/mentorskap.conf inside a
// minimal nginx.conf, with a throwaway certificate in place of the real one.
func TestNginxExample(t *testing.T) {
	t.Parallel()
	nginx := needTool(t, "nginx")
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	b, err := os.ReadFile(filepath.Join("..", "..", "contrib", "nginx", "mentorskap.conf"))
	if err != nil {
		t.Fatal(err)
	}
	site := strings.NewReplacer(
		"/etc/letsencrypt/live/mentorskap.example.org/fullchain.pem", cert,
		"/etc/letsencrypt/live/mentorskap.example.org/privkey.pem", key,
	).Replace(string(b))
	for _, want := range []string{"proxy_set_header Host $host;", "X-Forwarded-Proto $scheme;",
		"X-Forwarded-For $proxy_add_x_forwarded_for;", "proxy_pass http://mentorskap;", "listen 443 ssl"} {
		if !strings.Contains(site, want) {
			t.Errorf("the example lacks %q", want)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "mentorskap.conf"), []byte(site), 0o644); err != nil {
		t.Fatal(err)
	}
	mime := ""
	if _, err := os.Stat("/etc/nginx/mime.types"); err == nil {
		mime = "include /etc/nginx/mime.types;"
	}
	main := `pid ` + dir + `/nginx.pid;
error_log stderr;
events {}
http {
    ` + mime + `
    access_log off;
    client_body_temp_path ` + dir + `/body;
    proxy_temp_path ` + dir + `/proxy;
    include ` + dir + `/mentorskap.conf;
}
`
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(nginx, "-t", "-q", "-p", dir, "-c", conf).CombinedOutput()
	if err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
}

func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mentorskap.example.org"},
		DNSNames: []string{"mentorskap.example.org"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return certFile, keyFile
}

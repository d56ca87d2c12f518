package notify_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"mentorskap/internal/clock"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// received is one email as the test SMTP server got it.
type received struct {
	From string
	To   []string
	Data []byte
}

// mailServer is a real SMTP server on loopback that keeps what it receives.
type mailServer struct {
	mu       sync.Mutex
	got      []received
	reject   error // answer DATA with this error while set
	user     string
	password string
	authed   bool
}

func (s *mailServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{srv: s}, nil }

func (s *mailServer) setReject(err error) {
	s.mu.Lock()
	s.reject = err
	s.mu.Unlock()
}

func (s *mailServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

type session struct {
	srv  *mailServer
	cur  received
	auth bool
}

func (s *session) AuthMechanisms() []string {
	if s.srv.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.srv.user || password != s.srv.password {
			return errors.New("bad credentials")
		}
		s.auth = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.user != "" && !s.auth {
		return smtp.ErrAuthRequired
	}
	s.cur.From = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if s.srv.reject != nil {
		return s.srv.reject
	}
	s.cur.Data = b
	s.srv.got = append(s.srv.got, s.cur)
	return nil
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }

// startMailServer listens on a loopback port; tlsMode "tls" wraps the
// listener in TLS, "starttls" offers STARTTLS. It returns the port and the
// CA pool that trusts the server's certificate.
func startMailServer(t *testing.T, ms *mailServer, tlsMode string) (int, *x509.CertPool) {
	t.Helper()
	srv := smtp.NewServer(ms)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var pool *x509.CertPool
	if tlsMode != notify.TLSNone {
		cert, p := selfSigned(t)
		pool = p
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
		if tlsMode == notify.TLSImplicit {
			l = tls.NewListener(l, cfg)
		} else {
			srv.TLSConfig = cfg
		}
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().(*net.TCPAddr).Port, pool
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// parsed is a received email decoded the way a mail client would.
type parsed struct {
	Header  mail.Header
	Subject string
	To      *mail.Address
	Body    string
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("not an RFC 5322 message: %v\n%s", err, data)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	to, err := mail.ParseAddress(m.Header.Get("To"))
	if err != nil {
		t.Fatalf("To %q: %v", m.Header.Get("To"), err)
	}
	// The text a plain client shows: the text/plain alternative.
	_, leaves := readMIME(t, string(data))
	text := findLeaf(leaves, "text/plain")
	if text == nil || findLeaf(leaves, "text/html") == nil {
		t.Fatalf("want text and HTML parts, got %+v", leaves)
	}
	return parsed{Header: m.Header, Subject: subject, To: to, Body: strings.ReplaceAll(string(text.Data), "\r\n", "\n")}
}

type fixture struct {
	db     *store.DB
	clock  *clock.Fixed
	outbox *notify.Outbox
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, clock: clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)),
		outbox: &notify.Outbox{Bundle: bundle, BaseURL: "https://mentor.example.org"}}
}

func (f *fixture) queueNorwegian(t *testing.T) {
	t.Helper()
	err := f.outbox.Send(context.Background(), f.db, f.clock.Now(),
		notify.Recipient{Email: "kare@example.org", Name: "Kåre Ødegård", Lang: "nb"},
		"password_reset", "name", "Kåre", "link", f.outbox.Link("/reset/abc"), "minutes", 60)
	if err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) worker(s notify.Sender) *notify.Worker {
	return notify.NewWorker(f.db, s, f.clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

type row struct {
	Attempts  int
	Next      time.Time
	SentAt    *time.Time
	LastError string
}

func (f *fixture) row(t *testing.T) row {
	t.Helper()
	var r row
	err := f.db.QueryRow(context.Background(), `SELECT attempts, next_attempt_at, sent_at, last_error FROM outbox`).
		Scan(&r.Attempts, &r.Next, &r.SentAt, &r.LastError)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestWorkerDeliversOverSMTP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ms := &mailServer{user: "mentorskap", password: "s3cret-pass"}
		port, _ := startMailServer(t, ms, notify.TLSNone)
		sender, err := notify.NewSMTPSender(notify.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: notify.TLSNone,
			Username: "mentorskap", Password: "s3cret-pass", From: "Mentorskap Ås <noreply@mentor.example.org>"})
		if err != nil {
			t.Fatal(err)
		}
		f.queueNorwegian(t)
		n, err := f.worker(sender).RunOnce(context.Background())
		if err != nil || n != 1 {
			t.Fatalf("RunOnce = %d, %v", n, err)
		}
		got := ms.messages()
		if len(got) != 1 {
			t.Fatalf("server received %d emails", len(got))
		}
		if got[0].From != "noreply@mentor.example.org" || len(got[0].To) != 1 || got[0].To[0] != "kare@example.org" {
			t.Fatalf("envelope from %q to %q", got[0].From, got[0].To)
		}
		m := parse(t, got[0].Data)
		if m.Subject != "Tilbakestill passordet ditt i Mentorskap" {
			t.Errorf("subject %q", m.Subject)
		}
		if m.To.Name != "Kåre Ødegård" || m.To.Address != "kare@example.org" {
			t.Errorf("To %+v", m.To)
		}
		for _, want := range []string{"Hei Kåre,", "Åpne denne lenken innen 60 minutter", "https://mentor.example.org/reset/abc"} {
			if !strings.Contains(m.Body, want) {
				t.Errorf("body lacks %q:\n%s", want, m.Body)
			}
		}
		from, err := mail.ParseAddress(mustDecode(t, m.Header.Get("From")))
		if err != nil || from.Name != "Mentorskap Ås" {
			t.Errorf("From %q: %v", m.Header.Get("From"), err)
		}
		if m.Header.Get("Content-Language") != "nb" || !strings.HasPrefix(m.Header.Get("Content-Type"), "multipart/alternative;") ||
			m.Header.Get("Message-ID") == "" || m.Header.Get("Date") == "" || m.Header.Get("MIME-Version") != "1.0" {
			t.Errorf("headers %v", m.Header)
		}
		r := f.row(t)
		if r.SentAt == nil || r.Attempts != 1 || r.LastError != "" {
			t.Fatalf("row after delivery: %+v", r)
		}
		// A sent email is never sent again.
		if n, err := f.worker(sender).RunOnce(context.Background()); n != 0 || err != nil {
			t.Fatalf("second run claimed %d, %v", n, err)
		}
		if len(ms.messages()) != 1 {
			t.Fatal("email delivered twice")
		}
	})
}

func mustDecode(t *testing.T, s string) string {
	var dec mime.WordDecoder
	out, err := dec.DecodeHeader(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWorkerRetriesAfterRejection(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ms := &mailServer{}
		ms.setReject(&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"})
		port, _ := startMailServer(t, ms, notify.TLSNone)
		sender, err := notify.NewSMTPSender(notify.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: notify.TLSNone, From: "noreply@mentor.example.org"})
		if err != nil {
			t.Fatal(err)
		}
		f.queueNorwegian(t)
		queued := f.clock.Now()
		w := f.worker(sender)
		if n, err := w.RunOnce(context.Background()); n != 1 || err != nil {
			t.Fatalf("RunOnce = %d, %v", n, err)
		}
		r := f.row(t)
		if r.SentAt != nil || r.Attempts != 1 || !strings.Contains(r.LastError, "451") {
			t.Fatalf("row after rejection: %+v", r)
		}
		if !r.Next.Equal(queued.Add(time.Minute)) {
			t.Fatalf("next attempt %v, want %v", r.Next, queued.Add(time.Minute))
		}
		// Not due yet: nothing happens.
		f.clock.Advance(59 * time.Second)
		if n, _ := w.RunOnce(context.Background()); n != 0 {
			t.Fatalf("retried before the backoff ran out")
		}
		// Second failure doubles the wait.
		f.clock.Advance(time.Second)
		w.RunOnce(context.Background())
		if r := f.row(t); r.Attempts != 2 || !r.Next.Equal(f.clock.Now().Add(2*time.Minute)) {
			t.Fatalf("after second failure: %+v", r)
		}
		ms.setReject(nil)
		f.clock.Advance(2 * time.Minute)
		if n, err := w.RunOnce(context.Background()); n != 1 || err != nil {
			t.Fatalf("RunOnce = %d, %v", n, err)
		}
		if got := ms.messages(); len(got) != 1 || parse(t, got[0].Data).Subject != "Tilbakestill passordet ditt i Mentorskap" {
			t.Fatalf("received %d", len(got))
		}
		if r := f.row(t); r.SentAt == nil || r.Attempts != 3 || r.LastError != "" {
			t.Fatalf("row after delivery: %+v", r)
		}
	})
}

func TestSMTPTLSModes(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{notify.TLSImplicit, notify.TLSStartTLS} {
		t.Run(mode, func(t *testing.T) {
			ms := &mailServer{user: "u", password: "p-secret"}
			port, pool := startMailServer(t, ms, mode)
			sender, err := notify.NewSMTPSender(notify.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: mode,
				Username: "u", Password: "p-secret", From: "noreply@mentor.example.org",
				TLSConfig: &tls.Config{RootCAs: pool}})
			if err != nil {
				t.Fatal(err)
			}
			err = sender.Send(context.Background(), notify.Message{ID: 7, To: notify.Recipient{Email: "a@example.org", Name: "Ayu", Lang: "id"},
				Subject: "Halo", Body: "Isi pesan", CreatedAt: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			if got := ms.messages(); len(got) != 1 || strings.TrimSpace(parse(t, got[0].Data).Body) != "Isi pesan" {
				t.Fatalf("received %+v", got)
			}
		})
	}
	t.Run("starttls required", func(t *testing.T) {
		ms := &mailServer{}
		port, _ := startMailServer(t, ms, notify.TLSNone)
		sender, _ := notify.NewSMTPSender(notify.SMTPConfig{Host: "127.0.0.1", Port: port, From: "noreply@mentor.example.org"})
		err := sender.Send(context.Background(), notify.Message{To: notify.Recipient{Email: "a@example.org"}, Subject: "x", Body: "y"})
		if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
			t.Fatalf("plain-text server accepted in starttls mode: %v", err)
		}
		if len(ms.messages()) != 0 {
			t.Fatal("email sent without TLS")
		}
	})
}

func TestNewSMTPSenderChecksConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []notify.SMTPConfig{
		{Host: "", From: "a@example.org"},
		{Host: "mail.example.org", From: ""},
		{Host: "mail.example.org", From: "not an address"},
		{Host: "mail.example.org", From: "a@example.org", TLS: "ssl3"},
		{Host: "mail.example.org", From: "a@example.org", Port: 70000},
	} {
		if _, err := notify.NewSMTPSender(cfg); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}

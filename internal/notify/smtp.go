package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"os"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes for the connection to the SMTP server.
const (
	TLSNone     = "none"     // plain text; only for a relay on the same host or network
	TLSStartTLS = "starttls" // plain connect, then STARTTLS, which the server must offer (port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
)

// SMTPConfig says how to reach the mail server and who emails come from.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	TLS      string // TLSNone, TLSStartTLS or TLSImplicit
	From     string // address, optionally with a name: "Mentorskap <noreply@example.org>"
	// TLSConfig overrides the TLS settings (tests trust their own CA with
	// it); nil means: verify the server's certificate against Host.
	TLSConfig *tls.Config
	Timeout   time.Duration // for the whole conversation; default 30s
}

// SMTPSender delivers emails through an SMTP server, one connection per
// email. The volume of a mentoring installation is small, and a fresh
// connection avoids keeping a session the server may drop at any time.
type SMTPSender struct {
	cfg  SMTPConfig
	from mail.Address
	// brandedFrom: the configured sender had no display name, so emails go
	// out under the organisation's name from the brand.
	brandedFrom bool
	helo        string
	now         func() time.Time
}

// NewSMTPSender checks the configuration.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	if cfg.Host == "" {
		return nil, fmt.Errorf("smtp: no host")
	}
	switch cfg.TLS {
	case "":
		cfg.TLS = TLSStartTLS
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return nil, fmt.Errorf("smtp: TLS mode %q: use none, starttls or tls", cfg.TLS)
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.TLS == TLSImplicit {
			cfg.Port = 465
		}
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("smtp: port %d out of range", cfg.Port)
	}
	if cfg.From == "" {
		return nil, fmt.Errorf("smtp: no sender address (MENTORSKAP_SMTP_FROM)")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtp: sender address %q: %w", cfg.From, err)
	}
	branded := from.Name == ""
	if branded {
		from.Name = "Mentorskap"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	helo, _ := os.Hostname()
	if helo == "" || !strings.Contains(helo, ".") {
		// Many servers refuse a bare "localhost" or an unqualified name; the
		// sender's domain is a name the server can at least check.
		helo = from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	}
	return &SMTPSender{cfg: cfg, from: *from, brandedFrom: branded, helo: helo, now: time.Now}, nil
}

// Send delivers m. The connection honours ctx's deadline and never waits
// longer than the configured timeout.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("smtp: connect %s: %w", addr, err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	// net/smtp has no context: closing the connection when ctx ends unblocks
	// whatever it is waiting for.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	if s.cfg.TLS == TLSImplicit {
		tc := tls.Client(conn, s.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return fmt.Errorf("smtp: TLS handshake with %s: %w", addr, err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: greeting from %s: %w", addr, err)
	}
	defer c.Close()
	if err := c.Hello(s.helo); err != nil {
		return fmt.Errorf("smtp: EHLO: %w", err)
	}
	if s.cfg.TLS == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			// Never fall back to plain text: the password and the emails
			// (reset links) would cross the network readable.
			return fmt.Errorf("smtp: %s does not offer STARTTLS; set MENTORSKAP_SMTP_TLS=none only for a trusted local relay", addr)
		}
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return fmt.Errorf("smtp: STARTTLS: %w", err)
		}
	}
	if s.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)); err != nil {
			return fmt.Errorf("smtp: login as %s: %w", s.cfg.Username, err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(m.To.Email); err != nil {
		return fmt.Errorf("smtp: RCPT TO %s: %w", m.To.Email, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	from := s.from
	if s.brandedFrom && m.Brand != nil && m.Brand.Name != "" {
		from.Name = m.Brand.Name
	}
	raw, err := Compose(from, m, s.now())
	if err != nil {
		w.Close()
		return fmt.Errorf("smtp: compose: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("smtp: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp: message refused: %w", err)
	}
	return c.Quit()
}

func (s *SMTPSender) tlsConfig() *tls.Config {
	if s.cfg.TLSConfig != nil {
		c := s.cfg.TLSConfig.Clone()
		if c.ServerName == "" {
			c.ServerName = s.cfg.Host
		}
		return c
	}
	return &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}
}

// Compose writes m as an RFC 5322 message with go-mail: a text part and an
// HTML part as multipart/alternative (the HTML made from the same text, see
// RenderHTML), the brand's logo embedded beside the HTML, files attached
// after them, headers in RFC 2047 where they are not plain ASCII, and the
// recipient's language in Content-Language. The library does the MIME
// work (boundaries, encodings, folding) that used to be written here by
// hand.
func Compose(from mail.Address, m Message, date time.Time) ([]byte, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(&mail.Address{Name: oneLine(from.Name), Address: from.Address})
	msg.ToMailAddress(&mail.Address{Name: oneLine(m.To.Name), Address: m.To.Email})
	msg.Subject(oneLine(m.Subject))
	msg.SetDateWithValue(date)
	msg.SetMessageIDWithValue(messageID(from.Address, m))
	if m.To.Lang != "" {
		msg.SetGenHeader(gomail.HeaderContentLang, m.To.Lang)
	}
	// Tells autoresponders not to answer (RFC 3834).
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	if html := RenderHTML(m); html != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, html)
		if b := m.Brand; b != nil && b.HasLogo && len(b.Logo) > 0 {
			ext := ".png"
			if b.LogoType == "image/jpeg" {
				ext = ".jpg"
			}
			if err := msg.EmbedReader("logo"+ext, bytes.NewReader(b.Logo),
				gomail.WithFileContentType(gomail.ContentType(b.LogoType)),
				gomail.WithFileContentID("<"+logoCID+">")); err != nil {
				return nil, err
			}
		}
	}
	for _, a := range m.Attachments {
		if err := msg.AttachReader(oneLine(a.Name), bytes.NewReader(a.Data),
			gomail.WithFileContentType(gomail.ContentType(oneLine(a.ContentType)))); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// oneLine removes line breaks so that no text can add a header.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// messageID is stable for an outbox row, so that a retry after a lost reply
// from the server is recognisable as the same email.
func messageID(from string, m Message) string {
	domain := from[strings.LastIndexByte(from, '@')+1:]
	if m.ID == 0 {
		r := make([]byte, 12)
		rand.Read(r)
		return hex.EncodeToString(r) + "@" + domain
	}
	return fmt.Sprintf("mentorskap.%d.%d@%s", m.ID, m.CreatedAt.UnixMicro(), domain)
}

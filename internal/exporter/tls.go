package exporter

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/ccotel/ccotel/config"
)

// certVars names the variables behind the certificate fields of one
// signal's exporter, for error messages.
type certVars struct{ ca, cert, key, pass string }

func varsFor(cfg config.Config, sig config.Signal, proto config.Protocol) certVars {
	s := strings.ToUpper(string(sig)) + "_"
	pick := func(names ...string) string {
		for _, n := range names {
			if _, ok := cfg.Values[n]; ok { // Provenance also lists the defaults read
				return n
			}
		}
		return strings.Join(names, " or ")
	}
	if proto == config.ProtocolGRPC {
		return certVars{
			ca:   pick("OTEL_EXPORTER_OTLP_"+s+"CERTIFICATE", "OTEL_EXPORTER_OTLP_CERTIFICATE"),
			cert: pick("OTEL_EXPORTER_OTLP_"+s+"CLIENT_CERTIFICATE", "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE"),
			key:  pick("OTEL_EXPORTER_OTLP_"+s+"CLIENT_KEY", "OTEL_EXPORTER_OTLP_CLIENT_KEY"),
			pass: "CLAUDE_CODE_CLIENT_KEY_PASSPHRASE",
		}
	}
	return certVars{
		ca:   pick("NODE_EXTRA_CA_CERTS", "OTEL_EXPORTER_OTLP_"+s+"CERTIFICATE", "OTEL_EXPORTER_OTLP_CERTIFICATE"),
		cert: "CLAUDE_CODE_CLIENT_CERT",
		key:  "CLAUDE_CODE_CLIENT_KEY",
		pass: "CLAUDE_CODE_CLIENT_KEY_PASSPHRASE",
	}
}

// tlsConfig builds the client TLS configuration. With addSystemRoots the CA
// file extends the system pool (NODE_EXTRA_CA_CERTS semantics, used for
// HTTP); otherwise it replaces it (OTEL_EXPORTER_OTLP_CERTIFICATE semantics,
// used for gRPC as the OTel SDKs do). Certificates are always verified.
func tlsConfig(ctx context.Context, t config.TLS, v certVars, addSystemRoots bool) (*tls.Config, error) {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if t.CAFile != "" {
		pemBytes, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("%s: reading CA file: %w", v.ca, err)
		}
		var pool *x509.CertPool
		if addSystemRoots {
			pool, _ = x509.SystemCertPool()
		}
		if pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pemBytes) {
			return nil, fmt.Errorf("%s: %s holds no PEM certificate", v.ca, t.CAFile)
		}
		c.RootCAs = pool
	}
	switch {
	case t.CertFile == "" && t.KeyFile == "":
	case t.CertFile == "":
		return nil, fmt.Errorf("%s is set but %s is not: a client key needs its certificate", v.key, v.cert)
	case t.KeyFile == "":
		return nil, fmt.Errorf("%s is set but %s is not: a client certificate needs its key", v.cert, v.key)
	default:
		pair, err := loadKeyPair(ctx, t, v)
		if err != nil {
			return nil, err
		}
		c.Certificates = []tls.Certificate{pair}
	}
	return c, nil
}

func loadKeyPair(ctx context.Context, t config.TLS, v certVars) (tls.Certificate, error) {
	certPEM, err := os.ReadFile(t.CertFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%s: reading client certificate: %w", v.cert, err)
	}
	keyPEM, err := os.ReadFile(t.KeyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%s: reading client key: %w", v.key, err)
	}
	keyPEM, err = decryptKeyPEM(ctx, keyPEM, t.KeyPassphrase.Reveal(), v)
	if err != nil {
		return tls.Certificate{}, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%s and %s: %w", v.cert, v.key, err)
	}
	return pair, nil
}

// decryptKeyPEM returns the key file with its private key in clear PKCS#8
// PEM. It understands encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY", PBES2 with
// PBKDF2 and AES-CBC, what OpenSSL 3 writes by default) and legacy
// OpenSSL PEM encryption ("Proc-Type: 4,ENCRYPTED"). Anything else that is
// encrypted is a clear error, never silently ignored.
func decryptKeyPEM(ctx context.Context, keyPEM []byte, pass string, v certVars) ([]byte, error) {
	rest := keyPEM
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return keyPEM, nil // let tls.X509KeyPair report what is wrong
		}
		var der []byte
		var err error
		switch {
		case b.Type == "ENCRYPTED PRIVATE KEY":
			if pass == "" {
				return nil, fmt.Errorf("%s is encrypted; set %s", v.key, v.pass)
			}
			der, err = decryptPKCS8(ctx, b.Bytes, []byte(pass))
		//lint:ignore SA1019 Node (so Claude Code) accepts legacy RFC 1423 encrypted keys; decrypting them is the point
		case strings.HasSuffix(b.Type, "PRIVATE KEY") && x509.IsEncryptedPEMBlock(b):
			if pass == "" {
				return nil, fmt.Errorf("%s is encrypted; set %s", v.key, v.pass)
			}
			//lint:ignore SA1019 as above: the legacy format is accepted on purpose
			der, err = x509.DecryptPEMBlock(b, []byte(pass))
			if err == nil {
				der, err = reencodePKCS8(b.Type, der)
			}
		default:
			continue
		}
		if err != nil {
			if errors.Is(err, x509.IncorrectPasswordError) || errors.Is(err, errBadPassphrase) {
				return nil, fmt.Errorf("%s: wrong %s", v.key, v.pass)
			}
			return nil, fmt.Errorf("%s: %w", v.key, err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
	}
}

func reencodePKCS8(typ string, der []byte) ([]byte, error) {
	var key any
	var err error
	switch typ {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(der)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(der)
	default:
		key, err = x509.ParsePKCS8PrivateKey(der)
	}
	if err != nil {
		return nil, fmt.Errorf("decrypted key: %w", err)
	}
	return x509.MarshalPKCS8PrivateKey(key)
}

// CheckTLS loads the certificate files of one signal's OTLP exporter as
// Build does (the CA parses, the key decrypts with its passphrase and
// matches the certificate), for the doctor. The error names the variable.
func CheckTLS(ctx context.Context, cfg config.Config, sig config.Signal, o config.OTLP) error {
	_, err := tlsConfig(ctx, o.TLS, varsFor(cfg, sig, o.Protocol), o.Protocol != config.ProtocolGRPC)
	return err
}

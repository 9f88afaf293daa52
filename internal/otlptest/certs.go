package otlptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Certs is a throw-away PKI written to a test's temporary directory: a CA,
// a server certificate for 127.0.0.1 and localhost, and a client
// certificate, all signed by the CA. Keys are unencrypted PKCS#8 PEM.
type Certs struct {
	CAFile         string
	ServerCertFile string
	ServerKeyFile  string
	ClientCertFile string
	ClientKeyFile  string

	CA         *x509.Certificate
	CAKey      *ecdsa.PrivateKey
	ClientKey  *ecdsa.PrivateKey
	serverPair tls.Certificate
	pool       *x509.CertPool
}

// NewCerts generates a fresh CA, server and client certificate.
func NewCerts(t testing.TB) *Certs {
	t.Helper()
	dir := t.TempDir()
	c := &Certs{}
	var err error
	c.CAKey, c.CA, err = newCA("otlptest CA")
	if err != nil {
		t.Fatal(err)
	}
	c.CAFile = filepath.Join(dir, "ca.pem")
	writePEM(t, c.CAFile, "CERTIFICATE", c.CA.Raw)
	c.pool = x509.NewCertPool()
	c.pool.AddCert(c.CA)

	srvKey, srvDER := c.issue(t, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:    []string{"localhost"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	c.ServerCertFile = filepath.Join(dir, "server.pem")
	c.ServerKeyFile = filepath.Join(dir, "server-key.pem")
	writePEM(t, c.ServerCertFile, "CERTIFICATE", srvDER)
	writeKey(t, c.ServerKeyFile, srvKey)
	c.serverPair = tls.Certificate{Certificate: [][]byte{srvDER}, PrivateKey: srvKey}

	var cliDER []byte
	c.ClientKey, cliDER = c.issue(t, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "otlptest client"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	c.ClientCertFile = filepath.Join(dir, "client.pem")
	c.ClientKeyFile = filepath.Join(dir, "client-key.pem")
	writePEM(t, c.ClientCertFile, "CERTIFICATE", cliDER)
	writeKey(t, c.ClientKeyFile, c.ClientKey)
	return c
}

// ServerTLS is a server config presenting the server certificate. With
// requireClientCert it demands a client certificate signed by the CA (mTLS).
func (c *Certs) ServerTLS(requireClientCert bool) *tls.Config {
	cfg := &tls.Config{Certificates: []tls.Certificate{c.serverPair}, MinVersion: tls.VersionTLS12}
	if requireClientCert {
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
		cfg.ClientCAs = c.pool
	}
	return cfg
}

func newCA(name string) (*ecdsa.PrivateKey, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return key, cert, err
}

// OtherCAFile writes a CA certificate that signed nothing, for tests that
// expect verification to fail.
func OtherCAFile(t testing.TB) string {
	t.Helper()
	_, ca, err := newCA("unrelated CA")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "other-ca.pem")
	writePEM(t, p, "CERTIFICATE", ca.Raw)
	return p
}

func (c *Certs) issue(t testing.TB, tmpl *x509.Certificate) (*ecdsa.PrivateKey, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if tmpl.SerialNumber, err = rand.Int(rand.Reader, big.NewInt(1<<62)); err != nil {
		t.Fatal(err)
	}
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(24 * time.Hour)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.CA, &key.PublicKey, c.CAKey)
	if err != nil {
		t.Fatal(err)
	}
	return key, der
}

func writeKey(t testing.TB, path string, key *ecdsa.PrivateKey) {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, path, "PRIVATE KEY", der)
}

func writePEM(t testing.TB, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

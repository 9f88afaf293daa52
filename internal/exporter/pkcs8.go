package exporter

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"reflect"
)

// Encrypted PKCS#8 (RFC 5958 / RFC 8018) is not in the standard library.
// This covers PBES2 with PBKDF2 (HMAC-SHA1/-SHA256/-SHA384/-SHA512) and
// AES-128/192/256-CBC, which is what `openssl genpkey -aes256`, `openssl
// pkcs8 -topk8` (OpenSSL 3) and Node write. PBES1 and scrypt are refused
// with a clear error.
//
// The key file is input ccotel did not write, so every size it states is
// bounded: the PBKDF2 iteration count (MaxPBKDF2Iterations), the key length
// (it must be the cipher's), and no DER structure may carry trailing bytes.
// The derivation checks the context every few thousand iterations, so
// cancelling Start stops it.

// MaxPBKDF2Iterations bounds the iteration count a key file may ask for:
// 1,000,000, above OpenSSL's default (2048), Node's usual choices and
// OWASP's 600,000 for PBKDF2-HMAC-SHA256, and about a second of work. A
// key file asking for more is refused: the count is read from the file, and
// 20,000,000 cost 17 s inside Start before the bound.
const MaxPBKDF2Iterations = 1_000_000

// ctxCheckEvery is how many iterations run between two looks at the context.
const ctxCheckEvery = 4096

var (
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
)

var errBadPassphrase = errors.New("wrong passphrase")

type encryptedPrivateKeyInfo struct {
	Algo          algorithmIdentifier
	EncryptedData []byte
}

type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

type pbes2Params struct {
	KDF algorithmIdentifier
	Enc algorithmIdentifier
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int                 `asn1:"optional"`
	PRF        algorithmIdentifier `asn1:"optional"`
}

// unmarshalAll parses one DER value that must fill b exactly and be the
// canonical encoding of what was read: encoding/asn1 ignores elements
// after the last field of a SEQUENCE, and re-encoding is what finds them.
// OpenSSL and Node write DER, so a valid key always passes.
func unmarshalAll(b []byte, v any, what string) error {
	rest, err := asn1.Unmarshal(b, v)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if len(rest) > 0 {
		return fmt.Errorf("%s: %d bytes of trailing data", what, len(rest))
	}
	if again, err := asn1.Marshal(reflect.ValueOf(v).Elem().Interface()); err != nil || !bytes.Equal(again, b) {
		return fmt.Errorf("%s: trailing data or an encoding that is not DER", what)
	}
	return nil
}

func decryptPKCS8(ctx context.Context, der, pass []byte) ([]byte, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	var info encryptedPrivateKeyInfo
	if err := unmarshalAll(der, &info, "encrypted PKCS#8 key"); err != nil {
		return nil, err
	}
	if !info.Algo.Algorithm.Equal(oidPBES2) {
		return nil, fmt.Errorf("encrypted PKCS#8 key uses %v; only PBES2 is supported (re-encrypt with `openssl pkcs8 -topk8 -v2 aes-256-cbc`)", info.Algo.Algorithm)
	}
	var p pbes2Params
	if err := unmarshalAll(info.Algo.Parameters.FullBytes, &p, "PBES2 parameters"); err != nil {
		return nil, err
	}
	if !p.KDF.Algorithm.Equal(oidPBKDF2) {
		return nil, fmt.Errorf("encrypted PKCS#8 key uses key derivation %v; only PBKDF2 is supported", p.KDF.Algorithm)
	}
	var kdf pbkdf2Params
	if err := unmarshalAll(p.KDF.Parameters.FullBytes, &kdf, "PBKDF2 parameters"); err != nil {
		return nil, err
	}
	var h func() hash.Hash
	switch prf := kdf.PRF.Algorithm; {
	case len(prf) == 0 || prf.Equal(oidHMACSHA1):
		h = sha1.New
	case prf.Equal(oidHMACSHA256):
		h = sha256.New
	case prf.Equal(oidHMACSHA384):
		h = sha512.New384
	case prf.Equal(oidHMACSHA512):
		h = sha512.New
	default:
		return nil, fmt.Errorf("PBKDF2 PRF %v is not supported", prf)
	}
	var keyLen int
	switch a := p.Enc.Algorithm; {
	case a.Equal(oidAES128CBC):
		keyLen = 16
	case a.Equal(oidAES192CBC):
		keyLen = 24
	case a.Equal(oidAES256CBC):
		keyLen = 32
	default:
		return nil, fmt.Errorf("cipher %v is not supported; use AES-CBC", a)
	}
	switch {
	case kdf.Iterations < 1:
		return nil, fmt.Errorf("PBKDF2 iteration count %d: must be at least 1", kdf.Iterations)
	case kdf.Iterations > MaxPBKDF2Iterations:
		return nil, fmt.Errorf("PBKDF2 iteration count %d is above the maximum of %d; re-encrypt the key with fewer (openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 600000)", kdf.Iterations, MaxPBKDF2Iterations)
	case kdf.KeyLength != 0 && kdf.KeyLength != keyLen:
		return nil, fmt.Errorf("PBKDF2 key length %d does not match the cipher's %d", kdf.KeyLength, keyLen)
	}
	var iv []byte
	if err := unmarshalAll(p.Enc.Parameters.FullBytes, &iv, "AES-CBC parameters"); err != nil || len(iv) != aes.BlockSize {
		return nil, errors.New("AES-CBC parameters: bad IV")
	}
	data := info.EncryptedData
	if len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return nil, errors.New("encrypted PKCS#8 key: bad ciphertext length")
	}
	key, err := pbkdf2Key(ctx, h, pass, kdf.Salt, kdf.Iterations, keyLen)
	if err != nil {
		return nil, err
	}
	block, _ := aes.NewCipher(key)
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, data)
	n := int(out[len(out)-1])
	if n == 0 || n > aes.BlockSize {
		return nil, errBadPassphrase
	}
	for _, b := range out[len(out)-n:] {
		if int(b) != n {
			return nil, errBadPassphrase
		}
	}
	out = out[:len(out)-n]
	if _, err := x509.ParsePKCS8PrivateKey(out); err != nil {
		return nil, errBadPassphrase
	}
	return out, nil
}

// pbkdf2Key is PBKDF2 (RFC 8018, section 5.2) as crypto/pbkdf2.Key, but
// it returns ctx's error, soon after ctx ends, instead of running on:
// crypto/pbkdf2 takes no context. FuzzPBKDF2 checks that both agree.
func pbkdf2Key(ctx context.Context, h func() hash.Hash, password, salt []byte, iter, keyLen int) ([]byte, error) {
	prf := hmac.New(h, password)
	size := prf.Size()
	var out []byte
	u := make([]byte, 0, size)
	t := make([]byte, size)
	var counter [4]byte
	for block := uint32(1); len(out) < keyLen; block++ {
		prf.Reset()
		prf.Write(salt)
		binary.BigEndian.PutUint32(counter[:], block)
		prf.Write(counter[:])
		u = prf.Sum(u[:0])
		copy(t, u)
		for i := 1; i < iter; i++ {
			if i%ctxCheckEvery == 0 {
				if err := ctx.Err(); err != nil {
					return nil, fmt.Errorf("decrypting the key: %w", err)
				}
			}
			prf.Reset()
			prf.Write(u)
			u = prf.Sum(u[:0])
			for j := range t {
				t[j] ^= u[j]
			}
		}
		out = append(out, t...)
	}
	return out[:keyLen], nil
}

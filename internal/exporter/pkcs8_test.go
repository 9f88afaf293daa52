package exporter

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"hash"
	"strings"
	"testing"
)

// keyParams are the knobs of an encrypted PKCS#8 key made by encryptPKCS8.
type keyParams struct {
	iter, keyLength int // keyLength 0: omitted, as OpenSSL does
	prf             asn1.ObjectIdentifier
	cipher          asn1.ObjectIdentifier
	trailing        string // "", "outer", "pbes2", "kdf", "iv"
}

func raw(t testing.TB, v any, extra bool) asn1.RawValue {
	b, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if extra {
		b = append(b, 0x05, 0x00) // a DER NULL after the value
	}
	return asn1.RawValue{FullBytes: b}
}

// encryptPKCS8 writes key as PBES2 encrypted PKCS#8 with crypto/pbkdf2.
func encryptPKCS8(t testing.TB, plain, pass []byte, p keyParams) []byte {
	t.Helper()
	hashes := map[string]func() hash.Hash{"": sha1.New, oidHMACSHA1.String(): sha1.New, oidHMACSHA256.String(): sha256.New, oidHMACSHA512.String(): sha512.New}
	keyLens := map[string]int{oidAES128CBC.String(): 16, oidAES192CBC.String(): 24, oidAES256CBC.String(): 32}
	h, keyLen := hashes[p.prf.String()], keyLens[p.cipher.String()]
	if len(p.prf) == 0 {
		h = sha1.New
	}
	salt, iv := bytes.Repeat([]byte{7}, 16), bytes.Repeat([]byte{9}, aes.BlockSize)
	key, err := pbkdf2.Key(h, string(pass), salt, max(p.iter, 1), keyLen)
	if err != nil {
		t.Fatal(err)
	}
	n := aes.BlockSize - len(plain)%aes.BlockSize
	data := append(append([]byte(nil), plain...), bytes.Repeat([]byte{byte(n)}, n)...)
	block, _ := aes.NewCipher(key)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(data, data)
	kdf := pbkdf2Params{Salt: salt, Iterations: p.iter, KeyLength: p.keyLength}
	if len(p.prf) > 0 {
		kdf.PRF = algorithmIdentifier{Algorithm: p.prf, Parameters: asn1.NullRawValue}
	}
	params := pbes2Params{
		KDF: algorithmIdentifier{Algorithm: oidPBKDF2, Parameters: raw(t, kdf, p.trailing == "kdf")},
		Enc: algorithmIdentifier{Algorithm: p.cipher, Parameters: raw(t, iv, p.trailing == "iv")},
	}
	info := encryptedPrivateKeyInfo{Algo: algorithmIdentifier{Algorithm: oidPBES2, Parameters: raw(t, params, p.trailing == "pbes2")}, EncryptedData: data}
	out := raw(t, info, p.trailing == "outer").FullBytes
	return out
}

func testKey(t testing.TB) []byte {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestDecryptPKCS8Bounds: the sizes a key file states are bounded, the key
// length honoured, trailing data refused; what OpenSSL and Node write is
// read.
func TestDecryptPKCS8Bounds(t *testing.T) {
	plain, pass := testKey(t), []byte("pw")
	for _, tc := range []struct {
		name string
		p    keyParams
		want string // "" means it decrypts
	}{
		{"OpenSSL 3 default", keyParams{iter: 2048, prf: oidHMACSHA256, cipher: oidAES256CBC}, ""},
		{"SHA-1 PRF, AES-128", keyParams{iter: 2048, cipher: oidAES128CBC}, ""},
		{"SHA-512 PRF, AES-192", keyParams{iter: 10, prf: oidHMACSHA512, cipher: oidAES192CBC}, ""},
		{"a matching key length", keyParams{iter: 2048, keyLength: 32, prf: oidHMACSHA256, cipher: oidAES256CBC}, ""},
		{"a key length that is not the cipher's", keyParams{iter: 2048, keyLength: 16, prf: oidHMACSHA256, cipher: oidAES256CBC}, "key length 16 does not match"},
		{"a huge key length", keyParams{iter: 1, keyLength: 1 << 30, prf: oidHMACSHA256, cipher: oidAES256CBC}, "key length"},
		{"too many iterations", keyParams{iter: MaxPBKDF2Iterations + 1, prf: oidHMACSHA256, cipher: oidAES256CBC}, "above the maximum of 1000000"},
		{"20 million iterations", keyParams{iter: 20_000_000, prf: oidHMACSHA256, cipher: oidAES256CBC}, "above the maximum"},
		{"zero iterations", keyParams{iter: 0, prf: oidHMACSHA256, cipher: oidAES256CBC}, "at least 1"},
		{"negative iterations", keyParams{iter: -5, prf: oidHMACSHA256, cipher: oidAES256CBC}, "at least 1"},
		{"trailing data after the key", keyParams{iter: 1, cipher: oidAES256CBC, trailing: "outer"}, "trailing data"},
		{"trailing data after the PBES2 parameters", keyParams{iter: 1, cipher: oidAES256CBC, trailing: "pbes2"}, "trailing data"},
		{"trailing data after the PBKDF2 parameters", keyParams{iter: 1, cipher: oidAES256CBC, trailing: "kdf"}, "trailing data"},
		{"trailing data after the IV", keyParams{iter: 1, cipher: oidAES256CBC, trailing: "iv"}, "trailing data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			der := encryptPKCS8(t, plain, pass, keyParams{iter: min(max(tc.p.iter, 1), 4096), keyLength: tc.p.keyLength, prf: tc.p.prf, cipher: tc.p.cipher, trailing: tc.p.trailing})
			if tc.p.iter != min(max(tc.p.iter, 1), 4096) {
				// Too expensive to encrypt for real: only the count matters.
				der = withIterations(t, der, tc.p.iter)
			}
			got, err := decryptPKCS8(context.Background(), der, pass)
			switch {
			case tc.want == "" && (err != nil || !bytes.Equal(got, plain)):
				t.Fatalf("err %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := decryptPKCS8(context.Background(), encryptPKCS8(t, plain, pass, keyParams{iter: 3, cipher: oidAES128CBC}), []byte("wrong")); !errors.Is(err, errBadPassphrase) {
		t.Errorf("wrong passphrase: %v", err)
	}
}

// withIterations rewrites the iteration count of an encrypted key.
func withIterations(t *testing.T, der []byte, iter int) []byte {
	var info encryptedPrivateKeyInfo
	var p pbes2Params
	var kdf pbkdf2Params
	asn1.Unmarshal(der, &info)
	asn1.Unmarshal(info.Algo.Parameters.FullBytes, &p)
	asn1.Unmarshal(p.KDF.Parameters.FullBytes, &kdf)
	kdf.Iterations = iter
	p.KDF.Parameters = raw(t, kdf, false)
	info.Algo.Parameters = raw(t, p, false)
	return raw(t, info, false).FullBytes
}

// countingCtx ends after its Err has been asked a number of times, so the
// test counts how soon the derivation looks, instead of timing it.
type countingCtx struct {
	context.Context
	calls, endAfter int
}

func (c *countingCtx) Err() error {
	c.calls++
	if c.calls > c.endAfter {
		return context.Canceled
	}
	return nil
}

// TestDecryptPKCS8HonoursContext: the derivation stops at the first look
// at the context after it ended, long before the iterations are done.
func TestDecryptPKCS8HonoursContext(t *testing.T) {
	plain, pass := testKey(t), []byte("pw")
	der := withIterations(t, encryptPKCS8(t, plain, pass, keyParams{iter: 1, prf: oidHMACSHA256, cipher: oidAES256CBC}), MaxPBKDF2Iterations)
	ctx := &countingCtx{Context: context.Background(), endAfter: 2}
	_, err := decryptPKCS8(ctx, der, pass)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if ctx.calls != 3 {
		t.Errorf("the context was consulted %d times; it must stop at the first look after it ended (the 3rd)", ctx.calls)
	}
}

// FuzzPBKDF2 checks the context-aware derivation against crypto/pbkdf2.
func FuzzPBKDF2(f *testing.F) {
	f.Add([]byte("pw"), []byte("salt"), uint16(1), uint8(32), uint8(0))
	f.Add([]byte(""), []byte(""), uint16(4097), uint8(65), uint8(2))
	f.Add(bytes.Repeat([]byte("k"), 200), []byte("s"), uint16(2), uint8(1), uint8(3))
	hs := []func() hash.Hash{sha1.New, sha256.New, sha512.New384, sha512.New}
	f.Fuzz(func(t *testing.T, pass, salt []byte, iter uint16, keyLen, which uint8) {
		it, kl, h := int(iter%10000)+1, int(keyLen%128)+1, hs[int(which)%len(hs)]
		want, err := pbkdf2.Key(h, string(pass), salt, it, kl)
		if err != nil {
			t.Skip(err)
		}
		got, err := pbkdf2Key(context.Background(), h, pass, salt, it, kl)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("pbkdf2Key(%d iterations, %d bytes) = %x, %v; crypto/pbkdf2 says %x", it, kl, got, err, want)
		}
	})
}

// FuzzDecryptPKCS8 feeds arbitrary DER: no panic, no unbounded work (the
// iteration bound), and a success is a parseable key.
func FuzzDecryptPKCS8(f *testing.F) {
	plain := testKey(f)
	for _, p := range []keyParams{
		{iter: 1, prf: oidHMACSHA256, cipher: oidAES256CBC},
		{iter: 2, cipher: oidAES128CBC, keyLength: 16},
		{iter: 1, prf: oidHMACSHA512, cipher: oidAES192CBC, trailing: "kdf"},
	} {
		f.Add(encryptPKCS8(f, plain, []byte("pw"), p), []byte("pw"))
	}
	f.Add([]byte{0x30, 0x00}, []byte(""))
	f.Fuzz(func(t *testing.T, der, pass []byte) {
		out, err := decryptPKCS8(context.Background(), der, pass)
		if err != nil {
			return
		}
		if _, err := x509.ParsePKCS8PrivateKey(out); err != nil {
			t.Fatalf("accepted a key that does not parse: %v", err)
		}
	})
}

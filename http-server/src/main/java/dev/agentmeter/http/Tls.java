package dev.agentmeter.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * TLS for an agentmeter HTTP part from PEM files, as Kubernetes Secrets and cert-manager hold them:
 * the certificate chain (the part's certificate first, the issuing CA after it), the private key
 * (PKCS#8, {@code BEGIN PRIVATE KEY}, unencrypted), and optionally the CAs whose client
 * certificates are required (mutual TLS). Read and checked when the part's config is built, so a
 * bad file fails the start naming its key.
 */
public record Tls(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> clientCas) {

    private static final Pattern PRIVATE_KEY =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    /** A password for the in-memory key store only: the key never leaves this process's memory. */
    private static final char[] IN_MEMORY = "agentmeter-in-memory".toCharArray();

    public Tls {
        chain = List.copyOf(chain);
        clientCas = List.copyOf(clientCas);
    }

    /**
     * Reads the files; {@code keys} name the config keys for messages (certificate, key, client CA).
     *
     * @throws IllegalArgumentException naming the key whose file is unusable
     */
    public static Tls read(Path certFile, Path keyFile, Path clientCaFile, String... keys) {
        List<X509Certificate> chain = certificates(certFile, keys[0]);
        PrivateKey key = privateKey(keyFile, keys[1]);
        List<X509Certificate> cas = clientCaFile == null ? List.of() : certificates(clientCaFile, keys[2]);
        if (!matches(key, chain.get(0))) {
            throw new IllegalArgumentException(keys[1] + ": " + keyFile + " is not the key of the first certificate in "
                    + certFile + " (" + chain.get(0).getSubjectX500Principal().getName() + ")");
        }
        return new Tls(chain, key, cas);
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519
        };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(challenge);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(certificate.getPublicKey());
            verify.update(challenge);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Whether clients must present a certificate signed by one of {@link #clientCas()}. */
    public boolean mutual() {
        return !clientCas.isEmpty();
    }

    /** Jetty's server side: this part's certificate and key, and the client CAs when mutual. */
    public SslContextFactory.Server serverFactory() {
        SslContextFactory.Server f = new SslContextFactory.Server();
        f.setKeyStore(keyStore());
        f.setKeyStorePassword(new String(IN_MEMORY));
        f.setKeyManagerPassword(new String(IN_MEMORY));
        if (mutual()) {
            f.setTrustStore(trustStore(clientCas));
            f.setNeedClientAuth(true);
        }
        return f;
    }

    /**
     * The client side a part uses to call its peers (the processor forwarding a query): it trusts the
     * certificates of this part's own chain (peers carry certificates of the same CA) and presents
     * this part's certificate when the peers ask for one.
     */
    public SSLContext peerClientContext() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore(), IN_MEMORY);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            List<X509Certificate> trusted = new ArrayList<>(chain);
            trusted.addAll(clientCas);
            tmf.init(trustStore(trusted));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the TLS client context", e);
        }
    }

    private KeyStore keyStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("agentmeter", key, IN_MEMORY, chain.toArray(Certificate[]::new));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the TLS key in memory", e);
        }
    }

    private static KeyStore trustStore(List<X509Certificate> certificates) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                ks.setCertificateEntry("trusted-" + i, certificates.get(i));
            }
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the trusted certificates in memory", e);
        }
    }

    static List<X509Certificate> certificates(Path file, String key) {
        try {
            byte[] pem = Files.readAllBytes(file);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c :
                    CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(key + ": " + file + " holds no PEM certificate");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException(key + ": cannot read " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    key + ": " + file + " is not a PEM certificate chain: " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(Path file, String key) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(key + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        Matcher m = PRIVATE_KEY.matcher(pem);
        if (!m.find()) {
            throw new IllegalArgumentException(
                    key + ": " + file + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY);"
                            + " convert one with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8 (cert-manager:"
                            + " privateKey.encoding: PKCS8)");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException tryNext) {
                // the encoding names the algorithm; the key factories say which one by accepting it
            }
        }
        throw new IllegalArgumentException(key + ": " + file + " holds a key that is neither RSA, EC nor Ed25519");
    }
}

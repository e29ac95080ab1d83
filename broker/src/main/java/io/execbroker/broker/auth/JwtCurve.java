package io.execbroker.broker.auth;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Optional;

/**
 * The elliptic curves a JWT may be signed on, each bound to its one algorithm (RFC 7518 §3.4): a P-256 key verifies
 * ES256 and nothing else.
 */
enum JwtCurve {
    P_256("P-256", "secp256r1", "ES256"),
    P_384("P-384", "secp384r1", "ES384"),
    P_521("P-521", "secp521r1", "ES512");

    private final String jwkName;
    private final String algorithm;
    private final ECParameterSpec spec;

    JwtCurve(String jwkName, String jdkName, String algorithm) {
        this.jwkName = jwkName;
        this.algorithm = algorithm;
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(jdkName));
            this.spec = parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks the curve " + jdkName, e);
        }
    }

    /** Returns the JWS algorithm of this curve, like {@code ES256}. */
    String algorithm() {
        return algorithm;
    }

    /** Returns the curve's domain parameters, to build a key from a JWK's point. */
    ECParameterSpec spec() {
        return spec;
    }

    /** Returns the curve a JWK names in {@code crv}, like {@code P-256}, if it is one of ours. */
    static Optional<JwtCurve> named(String jwkName) {
        for (JwtCurve curve : values()) {
            if (curve.jwkName.equals(jwkName)) {
                return Optional.of(curve);
            }
        }
        return Optional.empty();
    }

    /** Returns the curve of a key's parameters, if it is one of ours; compares the parameters, not their size. */
    static Optional<JwtCurve> of(ECParameterSpec params) {
        for (JwtCurve curve : values()) {
            if (curve.spec.getCurve().equals(params.getCurve()) && curve.spec.getOrder().equals(params.getOrder())
                    && curve.spec.getGenerator().equals(params.getGenerator())) {
                return Optional.of(curve);
            }
        }
        return Optional.empty();
    }
}

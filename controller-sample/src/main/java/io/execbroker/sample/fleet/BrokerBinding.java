package io.execbroker.sample.fleet;

import java.util.Optional;

/**
 * Whether the broker that redeems a token is the one it was issued for. Every broker sends its {@code broker.id} as
 * {@value #HEADER} with each controller question. The rule:
 * <ul>
 *   <li>a fleet: the header is required and must equal the token's broker id (a broker that sends none predates
 *       fleets, or is not a broker of this fleet: refused);</li>
 *   <li>one broker named by {@code --broker-id}: a header, if sent, must equal it; none is accepted, for brokers that
 *       predate the header;</li>
 *   <li>one broker not named: nothing is checked, as before fleets existed.</li>
 * </ul>
 * Pure and thread safe.
 */
public final class BrokerBinding {
    /** The header a broker names itself with (the broker's {@code ControllerAuthorizer.BROKER_ID_HEADER}). */
    public static final String HEADER = "X-Exec-Broker-Id";

    private final Brokers brokers;

    public BrokerBinding(Brokers brokers) {
        this.brokers = brokers;
    }

    /**
     * Returns why a token bound to {@code boundTo} may not be redeemed by the broker that sent {@code presentedBy},
     * or empty when it may.
     *
     * @param boundTo the broker id stored with the token; empty for a token stored before tokens were bound (then
     *     it is taken as the one broker's, and refused in a fleet)
     * @param presentedBy the request's {@value #HEADER}, if any
     */
    public Optional<String> refusal(Optional<String> boundTo, Optional<String> presentedBy) {
        if (!brokers.idKnown()) {
            return Optional.empty();
        }
        if (presentedBy.isEmpty()) {
            return brokers.isFleet()
                ? Optional.of(HEADER + ": missing (expected: the id of the broker asking; in a fleet every broker"
                    + " must name itself)")
                : Optional.empty();
        }
        if (boundTo.isEmpty() && brokers.isFleet()) {
            return Optional.of("token: bound to no broker (issued before this app served a fleet)");
        }
        String expected = boundTo.orElse(brokers.routes().get(0).id());
        if (!expected.equals(presentedBy.get())) {
            return Optional.of("token: issued for broker " + expected + ", presented to broker "
                + Shown.of(presentedBy.get()) + " (expected: the broker the app handed it with)");
        }
        return Optional.empty();
    }
}

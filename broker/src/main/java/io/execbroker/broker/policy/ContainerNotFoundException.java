package io.execbroker.broker.policy;

/** No container answers to the name or id a grant gave. The message holds that name, never a Docker error. */
public final class ContainerNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String nameOrId;

    public ContainerNotFoundException(String nameOrId) {
        super("container not found: " + nameOrId, null, false, false);
        this.nameOrId = nameOrId;
    }

    /** Returns what the grant called the container, like {@code web-1}. */
    public String nameOrId() {
        return nameOrId;
    }
}

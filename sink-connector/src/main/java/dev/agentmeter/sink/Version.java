package dev.agentmeter.sink;

/** The plugin version Connect shows, from the jar manifest (the build's project version). */
final class Version {

    private Version() {}

    static String get() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}

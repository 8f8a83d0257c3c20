package lab.cloudconfig;

/** Go's reflect kinds as the upstream validator sees YAML values; INVALID is a YAML null. */
enum Kind {
    STRING, INT, FLOAT64, BOOL, STRUCT, MAP, SLICE, INVALID;

    String goName() {
        return this == FLOAT64 ? "float64" : name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether a YAML value of kind {@code n} fits a field of kind {@code g} (upstream's isCompatible). */
    static boolean compatible(Kind n, Kind g) {
        return switch (g) {
            case STRING -> n == STRING || n == INT || n == FLOAT64 || n == BOOL;
            case STRUCT -> n == STRUCT || n == MAP;
            case FLOAT64 -> n == FLOAT64 || n == INT;
            default -> n == g;
        };
    }
}

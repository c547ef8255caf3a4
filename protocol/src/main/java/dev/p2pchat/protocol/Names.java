package dev.p2pchat.protocol;

import java.util.regex.Pattern;

/**
 * Peer names. The wire carries any printable ASCII name of 1 to {@value Wire#MAX_NAME_LENGTH} bytes; the
 * tracker accepts only names that follow {@link #RULE}, so that names which look alike (case, spaces,
 * punctuation) cannot be told apart only by a careful reader.
 */
public final class Names {
    /** Lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, 1 to 32 characters. */
    public static final String RULE = "[a-z0-9][a-z0-9._-]{0,31}";

    private static final Pattern PATTERN = Pattern.compile(RULE);

    private Names() {}

    /** Whether the tracker accepts {@code name} for a registration. */
    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }

    /** Why {@code name} is not valid, or {@code null} when it is. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "a name is required";
        }
        if (name.length() > Wire.MAX_NAME_LENGTH) {
            return "a name has at most " + Wire.MAX_NAME_LENGTH + " characters";
        }
        if (!isValid(name)) {
            return "a name uses only a-z, 0-9, '.', '_' and '-', and starts with a letter or digit";
        }
        return null;
    }

    /** Checks that {@code name} can be carried on the wire; {@code allowEmpty} for optional name fields. */
    public static String requireWireName(String name, boolean allowEmpty, String field) {
        if (name == null) {
            throw new NullPointerException(field);
        }
        if (name.length() > Wire.MAX_NAME_LENGTH || (!allowEmpty && name.isEmpty())) {
            throw new IllegalArgumentException(field + " must have 1 to " + Wire.MAX_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < Wire.MIN_NAME_BYTE || c > Wire.MAX_NAME_BYTE) {
                throw new IllegalArgumentException(field + " must be printable ASCII without spaces");
            }
        }
        return name;
    }
}

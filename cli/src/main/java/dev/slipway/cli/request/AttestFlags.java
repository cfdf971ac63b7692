package dev.slipway.cli.request;

import dev.slipway.api.control.v1.Attestations;
import dev.slipway.cli.usage.UsageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --attest}, {@code --sbom} and {@code --provenance} as buildx reads them: {@code --sbom=B}
 * is {@code --attest type=sbom,disabled=!B}, {@code --provenance=mode=max} is {@code --attest
 * type=provenance,mode=max}; one entry per type (a second is an error, as in buildx); provenance
 * without a mode is {@code mode=min}, BuildKit's default. Nothing asked for is no attestation:
 * Slipway adds none by default (docs/cli.md says why).
 */
final class AttestFlags {
  private static final List<String> TYPES = List.of("sbom", "provenance");

  private AttestFlags() {}

  /**
   * The attestations to attach, or empty for none.
   *
   * @param attests the {@code --attest} values
   * @param sbom the {@code --sbom} value, null when not given
   * @param provenance the {@code --provenance} value, null when not given
   */
  static Optional<Attestations> parse(List<String> attests, String sbom, String provenance) {
    List<Entry> entries = new ArrayList<>();
    for (String a : attests) {
      entries.add(entry("--attest " + a, a));
    }
    shorthand("--sbom", "sbom", sbom).ifPresent(entries::add);
    shorthand("--provenance", "provenance", provenance).ifPresent(entries::add);
    Map<String, Entry> byType = new LinkedHashMap<>();
    for (Entry e : entries) {
      Entry earlier = byType.put(e.type, e);
      if (earlier != null) {
        throw new UsageException(
            "duplicate attestation field "
                + e.type
                + ": "
                + earlier.flag
                + " and "
                + e.flag
                + " both ask for it; give one of them");
      }
    }
    Entry s = byType.get("sbom");
    Entry p = byType.get("provenance");
    boolean withSbom = s != null && !s.disabled;
    String mode = p == null || p.disabled ? "" : p.mode;
    if (!withSbom && mode.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Attestations.newBuilder().setSbom(withSbom).setProvenanceMode(mode).build());
  }

  /** buildx's canonical form of a shorthand: a boolean enables or disables, else attributes. */
  private static Optional<Entry> shorthand(String flag, String type, String value) {
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    Boolean b = goBool(value);
    String text = b != null ? "type=" + type + ",disabled=" + !b : "type=" + type + "," + value;
    return Optional.of(entry(flag + "=" + value, text));
  }

  private static Entry entry(String flag, String text) {
    String type = null;
    boolean disabled = false;
    String mode = null;
    for (Map.Entry<String, String> field : CsvAttributes.parse(flag, text).entrySet()) {
      String key = field.getKey();
      String value = field.getValue();
      if (value == null) {
        throw new UsageException(flag + ": invalid value " + key + "; write KEY=VALUE");
      }
      switch (key) {
        case "type" -> type = value;
        case "disabled" -> {
          Boolean b = goBool(value);
          if (b == null) {
            throw new UsageException(
                flag + ": invalid value disabled=" + value + "; use true or false");
          }
          disabled = b;
        }
        case "mode" -> mode = value.toLowerCase(Locale.ROOT);
        default ->
            throw new UsageException(
                flag
                    + ": the attribute "
                    + key
                    + " is not supported; Slipway reads type, disabled and, for provenance,"
                    + " mode=min|max (its SBOM scanner is built into the builder)");
      }
    }
    if (type == null || type.isEmpty()) {
      throw new UsageException(
          flag + ": attestation type not specified; add type=sbom or type=provenance");
    }
    if (!TYPES.contains(type)) {
      throw new UsageException(
          flag + ": unknown attestation type " + type + "; use type=sbom or type=provenance");
    }
    if (type.equals("sbom") && mode != null) {
      throw new UsageException(
          flag + ": mode is an attribute of type=provenance, not of type=sbom");
    }
    if (mode != null && !mode.equals("min") && !mode.equals("max")) {
      throw new UsageException(
          flag + ": invalid provenance mode " + mode + "; use mode=min or mode=max");
    }
    return new Entry(flag, type, disabled, mode == null ? "min" : mode);
  }

  /** Go's strconv.ParseBool, which buildx uses for these flags; null when it is none. */
  private static Boolean goBool(String v) {
    return switch (v) {
      case "1", "t", "T", "true", "TRUE", "True" -> true;
      case "0", "f", "F", "false", "FALSE", "False" -> false;
      default -> null;
    };
  }

  private record Entry(String flag, String type, boolean disabled, String mode) {}
}

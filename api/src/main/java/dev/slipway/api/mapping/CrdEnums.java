package dev.slipway.api.mapping;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The YAML values of the CRD model's enums, which the SolveRequest carries as strings. */
final class CrdEnums {
  private CrdEnums() {}

  /** An enum constant of the CRD model by its YAML value. */
  static <E extends Enum<E>> E fromYaml(Class<E> type, String value) {
    for (E e : type.getEnumConstants()) {
      if (toYaml(e).equals(value)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        value + " is not a known " + type.getSimpleName() + " of a BuildRequest");
  }

  /** The YAML value of an enum constant of the CRD model. */
  static String toYaml(Enum<?> e) {
    try {
      return e.getDeclaringClass().getField(e.name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}

package dev.slipway.engine.frontend.dockerfile;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * BuildKit's build check rules: the name a {@code # check=skip=} directive uses, the one-line
 * description and the documentation page that {@code --call=check} reports with every finding.
 * Experimental rules run only when {@code experimental=} names them.
 */
public enum CheckRule {
  STAGE_NAME_CASING("StageNameCasing", "Stage names should be lowercase"),
  FROM_AS_CASING("FromAsCasing", "The 'as' keyword should match the case of the 'from' keyword"),
  NO_EMPTY_CONTINUATION(
      "NoEmptyContinuation", "Empty continuation lines will become errors in a future release"),
  CONSISTENT_INSTRUCTION_CASING(
      "ConsistentInstructionCasing",
      "All commands within the Dockerfile should use the same casing (either upper or lower)"),
  DUPLICATE_STAGE_NAME("DuplicateStageName", "Stage names should be unique"),
  RESERVED_STAGE_NAME("ReservedStageName", "Reserved words should not be used as stage names"),
  JSON_ARGS_RECOMMENDED(
      "JSONArgsRecommended",
      "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS"
          + " signals"),
  MAINTAINER_DEPRECATED(
      "MaintainerDeprecated",
      "The MAINTAINER instruction is deprecated, use a label instead to define an image author"),
  UNDEFINED_ARG_IN_FROM("UndefinedArgInFrom", "FROM command must use declared ARGs"),
  WORKDIR_RELATIVE_PATH(
      "WorkdirRelativePath",
      "Relative workdir without an absolute workdir declared within the build can have unexpected"
          + " results if the base image changes"),
  UNDEFINED_VAR("UndefinedVar", "Variables should be defined before their use"),
  MULTIPLE_INSTRUCTIONS_DISALLOWED(
      "MultipleInstructionsDisallowed",
      "Multiple instructions of the same type should not be used in the same stage"),
  LEGACY_KEY_VALUE_FORMAT(
      "LegacyKeyValueFormat",
      "Legacy key/value format with whitespace separator should not be used"),
  INVALID_BASE_IMAGE_PLATFORM(
      "InvalidBaseImagePlatform", "Base image platform does not match expected target platform"),
  REDUNDANT_TARGET_PLATFORM(
      "RedundantTargetPlatform",
      "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default"
          + " behavior"),
  SECRETS_USED_IN_ARG_OR_ENV(
      "SecretsUsedInArgOrEnv", "Sensitive data should not be used in the ARG or ENV commands"),
  INVALID_DEFAULT_ARG_IN_FROM(
      "InvalidDefaultArgInFrom",
      "Default value for global ARG results in an empty or invalid base image name"),
  FROM_PLATFORM_FLAG_CONST_DISALLOWED(
      "FromPlatformFlagConstDisallowed", "FROM --platform flag should not use a constant value"),
  EXPOSE_PROTO_CASING("ExposeProtoCasing", "Protocol in EXPOSE instruction should be lowercase"),
  EXPOSE_INVALID_FORMAT(
      "ExposeInvalidFormat",
      "IP address and host-port mapping should not be used in EXPOSE instruction. This will become"
          + " an error in a future release"),
  INVALID_DEFINITION_DESCRIPTION(
      "InvalidDefinitionDescription",
      "Comment for build stage or argument should follow the format: `# <arg/stage name>"
          + " <description>`. If this is not intended to be a description comment, add an empty"
          + " line or comment between the instruction and the comment.",
      true);

  private static final Map<String, CheckRule> BY_NAME =
      Arrays.stream(values())
          .collect(Collectors.toMap(r -> r.ruleName.toLowerCase(Locale.ROOT), Function.identity()));

  private final String ruleName;
  private final String description;
  private final boolean experimental;

  CheckRule(String ruleName, String description) {
    this(ruleName, description, false);
  }

  CheckRule(String ruleName, String description, boolean experimental) {
    this.ruleName = ruleName;
    this.description = description;
    this.experimental = experimental;
  }

  /** Whether the rule runs only when {@code experimental=} names it (or says all). */
  public boolean experimental() {
    return experimental;
  }

  public String ruleName() {
    return ruleName;
  }

  public String description() {
    return description;
  }

  /**
   * The rule's page, e.g. {@code .../rule/stage-name-casing/}; BuildKit has none for
   * InvalidBaseImagePlatform.
   */
  public String url() {
    if (this == INVALID_BASE_IMAGE_PLATFORM) {
      return "";
    }
    String kebab =
        ruleName
            .replace("JSON", "Json")
            .replaceAll("([a-z])([A-Z])", "$1-$2")
            .toLowerCase(Locale.ROOT);
    return "https://docs.docker.com/go/dockerfile/rule/" + kebab + "/";
  }

  /** The rule named {@code name} (case-insensitive), if BuildKit has one. */
  public static Optional<CheckRule> named(String name) {
    return Optional.ofNullable(BY_NAME.get(name.toLowerCase(Locale.ROOT)));
  }
}

package dev.slipway.operator.build;

import java.util.List;

/**
 * Where each platform of a multi-platform BuildRequest is built: all on the request's own Builder
 * in one Solve ({@link Together}), one child BuildRequest per platform across Builders ({@link
 * Split}), or nowhere ({@link Impossible}, with what to change).
 */
sealed interface PlatformPlan {

  /** One platform's place: the Builder, and whether it builds it natively (else emulated). */
  record Part(String platform, String builder, boolean nativeBuild) {}

  record Together(List<Part> parts) implements PlatformPlan {}

  record Split(List<Part> parts) implements PlatformPlan {}

  record Impossible(String message) implements PlatformPlan {}

  /** The request's Builder has not reported its platforms yet (no pod was ever ready). */
  record AwaitingPlatforms() implements PlatformPlan {}
}

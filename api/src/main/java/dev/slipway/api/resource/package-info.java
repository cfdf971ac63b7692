/**
 * The Kubernetes custom resources of Slipway (group {@code slipway.dev}, version {@code v1alpha1}):
 * {@link dev.slipway.api.resource.Builder} pools of builder pods and {@link
 * dev.slipway.api.resource.BuildRequest} builds. The CRD YAML in {@code crds/} is generated from
 * these classes; every field's description and validation lives here.
 */
package dev.slipway.api.resource;

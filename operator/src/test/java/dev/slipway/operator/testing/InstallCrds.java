package dev.slipway.operator.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Installs the checked-in CRDs (../crds) into a test API server, as the Helm chart does. */
public final class InstallCrds implements Consumer<KubernetesServer> {

  @Override
  public void accept(KubernetesServer server) {
    for (String name :
        new String[] {"builders.slipway.dev.yaml", "buildrequests.slipway.dev.yaml"}) {
      try (InputStream in = Files.newInputStream(Path.of("..", "crds", name))) {
        server
            .getClient()
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .resource(
                server
                    .getClient()
                    .getKubernetesSerialization()
                    .unmarshal(in, CustomResourceDefinition.class))
            .create();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

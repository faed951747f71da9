package dev.chatsdk.deploy;

import static dev.chatsdk.deploy.DeployFiles.APP;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parses every manifest under {@code deploy/k8s} with fabric8's Kubernetes model and checks that
 * ports, probes, names and references agree with each other and with the server.
 */
class KubernetesManifestsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "v1/ConfigMap", ConfigMap.class,
          "v1/Secret", Secret.class,
          "v1/Service", Service.class,
          "apps/v1/Deployment", Deployment.class,
          "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
          "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);
  private static final String KUSTOMIZATION = "kustomization.yaml";

  private static final Map<String, HasMetadata> byFileAndKind = new java.util.TreeMap<>();
  private static final List<HasMetadata> resources = new ArrayList<>();

  @BeforeAll
  static void parseEveryManifest() throws IOException {
    for (Path file : manifestFiles()) {
      if (file.getFileName().toString().equals(KUSTOMIZATION)) {
        continue;
      }
      for (String document : DeployFiles.read(file).split("(?m)^---\\s*$")) {
        JsonNode tree = YAML.readTree(document);
        if (tree == null || tree.isEmpty()) {
          continue;
        }
        String key = tree.path("apiVersion").asText() + "/" + tree.path("kind").asText();
        assertThat(KINDS).as("kind %s in %s", key, file.getFileName()).containsKey(key);
        HasMetadata resource = YAML.treeToValue(tree, KINDS.get(key));
        assertNoUnknownFields(resource, file.getFileName() + " " + key);
        resources.add(resource);
        byFileAndKind.put(file.getFileName() + "#" + resource.getKind(), resource);
      }
    }
  }

  private static List<Path> manifestFiles() throws IOException {
    try (Stream<Path> files = Files.list(DeployFiles.K8S)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  private static <T extends HasMetadata> T only(Class<T> type) {
    List<T> found = resources.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as("exactly one %s", type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  private static PodSpec podSpec() {
    return only(Deployment.class).getSpec().getTemplate().getSpec();
  }

  private static Container serverContainer() {
    List<Container> containers = podSpec().getContainers();
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  @Test
  void everyManifestParsesIntoTheKubernetesModelWithoutUnknownFields() {
    assertThat(byFileAndKind.keySet())
        .containsExactlyInAnyOrder(
            "configmap.yaml#ConfigMap",
            "deployment.yaml#Deployment",
            "hpa.yaml#HorizontalPodAutoscaler",
            "pdb.yaml#PodDisruptionBudget",
            "secret.example.yaml#Secret",
            "service.yaml#Service");
  }

  @Test
  void everyResourceIsNamedAndLabelledForTheApp() {
    for (HasMetadata resource : resources) {
      assertThat(resource.getMetadata().getName()).as(resource.getKind()).startsWith(APP);
      assertThat(resource.getMetadata().getLabels())
          .as(resource.getKind())
          .containsEntry("app.kubernetes.io/name", APP);
    }
  }

  @Test
  void deploymentSelectsItsOwnPodsAndRunsTheServerPort() {
    Deployment deployment = only(Deployment.class);
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(deployment.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);

    List<ContainerPort> ports = serverContainer().getPorts();
    assertThat(ports).hasSize(1);
    assertThat(ports.get(0).getName()).isEqualTo("http");
    assertThat(ports.get(0).getContainerPort()).isEqualTo(DeployFiles.SERVER_PORT);
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/path", "/metrics")
        .containsEntry("prometheus.io/port", Integer.toString(DeployFiles.SERVER_PORT));
  }

  @Test
  void probesUseTheServersHealthAndReadinessPathsOnTheServerPort() {
    Container container = serverContainer();
    assertHttpProbe(container.getReadinessProbe(), DeployFiles.READY_PATH);
    assertHttpProbe(container.getLivenessProbe(), DeployFiles.HEALTH_PATH);
    assertHttpProbe(container.getStartupProbe(), DeployFiles.HEALTH_PATH);
    assertThat(
            container.getStartupProbe().getPeriodSeconds()
                * container.getStartupProbe().getFailureThreshold())
        .as("seconds a slow start may take")
        .isGreaterThanOrEqualTo(30);
    assertThat(container.getReadinessProbe().getPeriodSeconds())
        .as("readiness reacts faster than liveness")
        .isLessThan(container.getLivenessProbe().getPeriodSeconds());
  }

  private static void assertHttpProbe(Probe probe, String path) {
    assertThat(probe).isNotNull();
    HTTPGetAction get = probe.getHttpGet();
    assertThat(get).isNotNull();
    assertThat(get.getPath()).isEqualTo(path);
    assertThat(resolvePort(get.getPort())).isEqualTo(DeployFiles.SERVER_PORT);
  }

  private static int resolvePort(IntOrString port) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return serverContainer().getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
  }

  @Test
  void gracefulTerminationCoversPreStopAndTheServersDrain() {
    Container container = serverContainer();
    List<String> preStop = container.getLifecycle().getPreStop().getExec().getCommand();
    assertThat(preStop).hasSize(2).startsWith("sleep");
    long preStopSeconds = Long.parseLong(preStop.get(1));
    assertThat(podSpec().getTerminationGracePeriodSeconds())
        .isGreaterThanOrEqualTo(preStopSeconds + DeployFiles.MAX_DRAIN.toSeconds() + 5);
    assertThat(
            only(Deployment.class).getSpec().getStrategy().getRollingUpdate().getMaxUnavailable())
        .isEqualTo(new IntOrString(0));
  }

  @Test
  void containerHasResourcesAndRunsAsNonRootReadOnly() {
    Container container = serverContainer();
    Map<String, Quantity> requests = container.getResources().getRequests();
    Map<String, Quantity> limits = container.getResources().getLimits();
    assertThat(requests).containsKeys("cpu", "memory");
    assertThat(limits).containsKey("memory");
    assertThat(Quantity.getAmountInBytes(limits.get("memory")))
        .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(requests.get("memory")));

    assertThat(podSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(podSpec().getSecurityContext().getRunAsUser()).isPositive();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getVolumeMounts())
        .anyMatch(m -> m.getMountPath().equals("/tmp"))
        .allMatch(
            m -> podSpec().getVolumes().stream().anyMatch(v -> v.getName().equals(m.getName())));
  }

  @Test
  void mongoAndRedisUrisAndTheSharedJwtSecretComeFromTheSecretOtherSettingsFromTheConfigMap() {
    Container container = serverContainer();
    Secret secret = only(Secret.class);
    Map<String, EnvVar> env =
        container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    for (String variable :
        List.of(
            DeployFiles.MONGO_URI_VARIABLE,
            DeployFiles.REDIS_URI_VARIABLE,
            DeployFiles.JWT_SECRET_VARIABLE)) {
      EnvVar var = env.get(variable);
      assertThat(var).as(variable).isNotNull();
      var ref = var.getValueFrom().getSecretKeyRef();
      assertThat(ref).as(variable + " from a Secret").isNotNull();
      assertThat(ref.getName()).isEqualTo(secret.getMetadata().getName());
      assertThat(secret.getStringData()).as("secret keys").containsKey(ref.getKey());
    }
    assertThat(env.get("CHAT_NODE_ID").getValueFrom().getFieldRef().getFieldPath())
        .as("node id is the pod name, unique among live pods")
        .isEqualTo("metadata.name");
    assertThat(only(ConfigMap.class).getData()).containsEntry("CHAT_STORE", "mongo");
    assertThat(container.getEnvFrom())
        .singleElement()
        .satisfies(
            from ->
                assertThat(from.getConfigMapRef().getName())
                    .isEqualTo(only(ConfigMap.class).getMetadata().getName()));
  }

  @Test
  void serviceSelectsTheDeploymentsPodsAndTargetsTheNamedServerPort() {
    Service service = only(Service.class);
    Map<String, String> podLabels =
        only(Deployment.class).getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
    List<ServicePort> ports = service.getSpec().getPorts();
    assertThat(ports).hasSize(1);
    assertThat(resolvePort(ports.get(0).getTargetPort())).isEqualTo(DeployFiles.SERVER_PORT);
    assertThat(service.getSpec().getSessionAffinity())
        .as("nodes are stateless: no affinity needed")
        .isIn(null, "None");
  }

  @Test
  void autoscalerTargetsTheDeploymentAndKeepsAtLeastTwoNodes() {
    HorizontalPodAutoscaler hpa = only(HorizontalPodAutoscaler.class);
    Deployment deployment = only(Deployment.class);
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
    assertThat(hpa.getSpec().getScaleTargetRef().getName())
        .isEqualTo(deployment.getMetadata().getName());
    assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(hpa.getSpec().getMinReplicas());
    assertThat(deployment.getSpec().getReplicas())
        .isBetween(hpa.getSpec().getMinReplicas(), hpa.getSpec().getMaxReplicas());
    assertThat(hpa.getSpec().getMetrics()).isNotEmpty();
  }

  @Test
  void disruptionBudgetCoversTheDeploymentsPodsAndLetsDrainsProceed() {
    PodDisruptionBudget pdb = only(PodDisruptionBudget.class);
    Map<String, String> podLabels =
        only(Deployment.class).getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    IntOrString maxUnavailable = pdb.getSpec().getMaxUnavailable();
    assertThat(maxUnavailable).as("maxUnavailable (a drain can always make progress)").isNotNull();
    assertThat(maxUnavailable.getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getMinAvailable()).isNull();
  }

  @Test
  void kustomizationListsEveryManifestExceptTheSecretExample() throws IOException {
    JsonNode kustomization = YAML.readTree(DeployFiles.K8S.resolve(KUSTOMIZATION).toFile());
    List<String> listed = new ArrayList<>();
    kustomization.path("resources").forEach(n -> listed.add(n.asText()));
    List<String> expected =
        manifestFiles().stream()
            .map(f -> f.getFileName().toString())
            .filter(n -> !n.equals(KUSTOMIZATION) && !n.equals("secret.example.yaml"))
            .toList();
    assertThat(listed).containsExactlyInAnyOrderElementsOf(expected);
  }

  /**
   * fabric8's model keeps fields it does not know in {@code additionalProperties}; a misspelt field
   * would land there silently, so every model object in the tree must have none.
   */
  private static void assertNoUnknownFields(Object root, String where) {
    walk(root, where, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private static void walk(Object node, String path, Set<Object> seen) {
    if (node == null || !seen.add(node)) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, seen));
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        assertThat((Map<?, ?>) value).as("unknown fields at %s", path).isNullOrEmpty();
      } else {
        walk(value, path + "." + getter.getName().substring(3), seen);
      }
    }
  }
}

package dev.agentmeter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.agentmeter.model.Topics;
import dev.agentmeter.processor.ProcessorConfig;
import dev.agentmeter.sink.AgentMeterSinkConnector;
import dev.agentmeter.sink.SinkConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests checked the way a cluster would check them, and against the code:
 * every document parses into its typed model (fabric8 for Kubernetes; for Strimzi's
 * kafka.strimzi.io/v1, CloudNativePG and the Prometheus Operator, the operators' own CRD schemas)
 * with no field the model or schema does not know; each overlay renders with {@code kubectl kustomize}; the
 * topics are the contract's; every setting is a key of the part it configures; the connector
 * class is in the packaged plugin; the images are the ones the Jib build makes.
 */
class ManifestsTest {

    static final Path DEPLOY = Path.of(System.getProperty("user.dir")); // the deploy module
    static final Path K8S = DEPLOY.resolve("k8s");
    static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /** Kubernetes kinds and their typed models, by apiVersion/kind. */
    static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("batch/v1/CronJob", CronJob.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class));

    /** Custom resources validated against their CRD's schema, by apiVersion/kind. */
    static final Map<String, String> CRDS = Map.of(
            "kafka.strimzi.io/v1/Kafka", "kafka.strimzi.io_040-Crd-kafka.yaml",
            "kafka.strimzi.io/v1/KafkaConnect", "kafka.strimzi.io_041-Crd-kafkaconnect.yaml",
            "kafka.strimzi.io/v1/KafkaTopic", "kafka.strimzi.io_043-Crd-kafkatopic.yaml",
            "kafka.strimzi.io/v1/KafkaNodePool", "kafka.strimzi.io_045-Crd-kafkanodepool.yaml",
            "kafka.strimzi.io/v1/KafkaConnector", "kafka.strimzi.io_047-Crd-kafkaconnector.yaml",
            "kafka.strimzi.io/v1/KafkaUser", "kafka.strimzi.io_044-Crd-kafkauser.yaml",
            "postgresql.cnpg.io/v1/Cluster", "postgresql.cnpg.io_clusters.yaml",
            "monitoring.coreos.com/v1/ServiceMonitor", "monitoring.coreos.com_servicemonitors.yaml",
            "monitoring.coreos.com/v1/PodMonitor", "monitoring.coreos.com_podmonitors.yaml",
            "monitoring.coreos.com/v1/PrometheusRule", "monitoring.coreos.com_prometheusrules.yaml");

    // --- reading --------------------------------------------------------------------------------

    static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            var it = new ObjectMapper().readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode() && n.size() > 0) {
                    docs.add(n);
                }
            }
        }
        return docs;
    }

    /** The base's documents as written (every file the kustomization lists). */
    static List<JsonNode> base() throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        JsonNode k = YAML.readTree(K8S.resolve("base/kustomization.yaml").toFile());
        for (JsonNode r : k.get("resources")) {
            docs.addAll(documents(Files.readString(K8S.resolve("base").resolve(r.asText()))));
        }
        return docs;
    }

    static String kustomize(String overlay) throws Exception {
        String kubectl = kubectl();
        Assumptions.assumeTrue(kubectl != null, "kubectl is not installed");
        Process p = new ProcessBuilder(
                        kubectl,
                        "kustomize",
                        K8S.resolve("overlays").resolve(overlay).toString())
                .redirectErrorStream(false)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        return out;
    }

    static String kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
            File f = new File(dir, "kubectl");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    static String type(JsonNode doc) {
        return doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
    }

    static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    // --- typed models -------------------------------------------------------------------------

    @Test
    void everyBaseDocumentParsesIntoItsTypedModelWithoutUnknownFields() throws Exception {
        List<String> problems = new ArrayList<>();
        for (JsonNode doc : base()) {
            problems.addAll(check(doc));
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyRenderedOverlayDocumentParsesIntoItsTypedModel(String overlay) throws Exception {
        List<JsonNode> docs = documents(kustomize(overlay));
        List<String> problems = new ArrayList<>();
        for (JsonNode doc : docs) {
            problems.addAll(check(doc));
        }
        assertThat(problems).isEmpty();
        assertThat(docs)
                .extracting(ManifestsTest::type)
                .contains("kafka.strimzi.io/v1/Kafka", "apps/v1/StatefulSet", "postgresql.cnpg.io/v1/Cluster");
    }

    @Test
    void aFieldTheModelDoesNotKnowIsCaught() throws Exception {
        JsonNode kafka = ofKind(base(), "Kafka").get(0).deepCopy();
        ((ObjectNode) kafka.get("spec").get("kafka")).put("replicaz", 3);
        JsonNode cluster = ofKind(base(), "Cluster").get(0).deepCopy();
        ((ObjectNode) cluster.get("spec")).put("instancez", 3);

        assertThat(check(kafka)).singleElement().asString().contains("replicaz");
        assertThat(check(cluster)).isNotEmpty();
    }

    /** Problems of one document: not parseable, unknown fields, or (for CRDs) schema violations. */
    static List<String> check(JsonNode doc) throws Exception {
        String type = type(doc);
        String name = type + " " + doc.path("metadata").path("name").asText();
        Class<?> model = MODELS.get(type);
        if (model != null) {
            Object parsed;
            try {
                parsed = YAML.treeToValue(doc, model);
            } catch (IOException e) {
                return List.of(name + ": " + e.getMessage());
            }
            List<String> unknown = new ArrayList<>();
            unknownFields(parsed, "", unknown, new IdentityHashMap<>());
            return unknown.stream().map(u -> name + ": unknown field " + u).toList();
        }
        String crd = CRDS.get(type);
        if (crd != null) {
            Set<ValidationMessage> errors = schema(
                            crd, doc.path("apiVersion").asText().replaceAll(".*/", ""))
                    .validate(doc);
            return errors.stream().map(e -> name + ": " + e.getMessage()).toList();
        }
        return List.of(name + ": no model or schema to check it against");
    }

    /**
     * fabric8's model keeps fields they do not know in {@code additionalProperties}
     * instead of failing: walk the parsed object and report every one that is not empty.
     */
    static void unknownFields(Object o, String path, List<String> out, IdentityHashMap<Object, Boolean> seen)
            throws Exception {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), out, seen);
            }
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0
                    || Modifier.isStatic(m.getModifiers())
                    || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = m.invoke(o);
            String field =
                    Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> out.add(path + "." + k));
                }
                continue;
            }
            unknownFields(value, path + "." + field, out, seen);
        }
    }

    /** JSON Schema draft 4 plus the API server's own annotations, which constrain nothing a manifest says. */
    static final JsonSchemaFactory KUBERNETES_SCHEMAS = JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V4,
            b -> b.metaSchema(JsonMetaSchema.builder(JsonMetaSchema.getV4())
                    .keywords(List.of(
                            new NonValidationKeyword("x-kubernetes-preserve-unknown-fields"),
                            new NonValidationKeyword("x-kubernetes-int-or-string"),
                            new NonValidationKeyword("x-kubernetes-list-type"),
                            new NonValidationKeyword("x-kubernetes-list-map-keys"),
                            new NonValidationKeyword("x-kubernetes-map-type"),
                            new NonValidationKeyword("x-kubernetes-validations"),
                            new NonValidationKeyword("x-kubernetes-embedded-resource"),
                            new NonValidationKeyword("example")))
                    .build()));

    /** The CRD's schema for {@code version}, with unknown fields refused wherever it lists the known ones. */
    static JsonSchema schema(String crdFile, String version) throws IOException {
        JsonNode crd = YAML.readTree(K8S.resolve("schemas").resolve(crdFile).toFile());
        for (JsonNode v : crd.at("/spec/versions")) {
            if (v.path("name").asText().equals(version)) {
                JsonNode schema = v.at("/schema/openAPIV3Schema").deepCopy();
                closeObjects(schema, true);
                return KUBERNETES_SCHEMAS.getSchema(schema);
            }
        }
        throw new IllegalStateException(crdFile + " has no version " + version);
    }

    /** additionalProperties: false on every object schema with properties, as the API server prunes (and kubectl --validate=strict refuses). */
    static void closeObjects(JsonNode schema, boolean root) {
        if (!(schema instanceof ObjectNode o)) {
            return;
        }
        if (o.has("properties")
                && !o.has("additionalProperties")
                && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
            o.put("additionalProperties", false);
            if (root) { // apiVersion, kind, metadata are the API server's
                ObjectNode props = (ObjectNode) o.get("properties");
                props.putObject("apiVersion");
                props.putObject("kind");
                props.putObject("metadata");
            }
        }
        o.properties().forEach(e -> {
            if (Set.of("oneOf", "anyOf", "allOf", "not").contains(e.getKey())) {
                return; // a branch that names one field to require it declares nothing: closing it would refuse the
                // rest
            }
            if (e.getValue().isObject()) {
                closeObjects(e.getValue(), false);
            } else if (e.getValue().isArray()) {
                e.getValue().forEach(n -> closeObjects(n, false));
            }
        });
    }

    // --- the contract and the code -------------------------------------------------------------

    @Test
    void theTopicsAreTheContractsWithCompactionWhereItSaysSo() throws Exception {
        Map<String, JsonNode> topics = ofKind(base(), "KafkaTopic").stream()
                .collect(Collectors.toMap(t -> t.at("/metadata/name").asText(), t -> t));

        assertThat(topics.keySet())
                .containsExactlyInAnyOrder(
                        Topics.USAGE_RAW,
                        Topics.USAGE_PRICED,
                        Topics.USAGE_REJECTED,
                        Topics.PRICES,
                        Topics.BUDGETS,
                        Topics.BUDGET_ALERTS,
                        Topics.BUDGET_STATUS,
                        Topics.SINK_DLQ,
                        Topics.NOTIFY_DEAD_LETTERS);
        assertThat(topics.entrySet().stream()
                        .filter(e -> e.getValue()
                                .at("/spec/config/cleanup.policy")
                                .asText()
                                .equals("compact"))
                        .map(Map.Entry::getKey))
                .containsExactlyInAnyOrder(Topics.PRICES, Topics.BUDGETS, Topics.BUDGET_STATUS);
        assertThat(topics.values()).allSatisfy(t -> {
            assertThat(t.at("/spec/replicas").asInt()).isEqualTo(3);
            assertThat(t.at("/spec/config/min.insync.replicas").asInt()).isEqualTo(2);
        });
        JsonNode kafka = ofKind(base(), "Kafka").get(0);
        assertThat(kafka.at("/spec/kafka/config/default.replication.factor").asInt())
                .isEqualTo(3);
        assertThat(kafka.at("/spec/kafka/config/min.insync.replicas").asInt()).isEqualTo(2);
        assertThat(ofKind(base(), "KafkaNodePool").get(0).at("/spec/replicas").asInt())
                .isEqualTo(3);
    }

    @Test
    void everyProcessorSettingIsAProcessorConfigKey() throws Exception {
        Set<String> keys = new TreeSet<>();
        for (JsonNode doc : ofKind(base(), "StatefulSet")) {
            if (!doc.at("/metadata/name").asText().equals("processor")) {
                continue; // the collector is a StatefulSet too (its spool is a volume of its own)
            }
            StatefulSet s = YAML.treeToValue(doc, StatefulSet.class);
            for (EnvVar e :
                    s.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
                if (e.getName().startsWith("AGENTMETER_")) {
                    keys.add(e.getName()
                            .substring("AGENTMETER_".length())
                            .toLowerCase(Locale.ROOT)
                            .replace('_', '.'));
                }
            }
        }
        Set<String> known = ProcessorConfig.DEF.names();
        assertThat(keys)
                .isNotEmpty()
                .allSatisfy(k -> assertThat(known.contains(k)
                                || k.startsWith("kafka.")
                                || k.startsWith("budget.default.")
                                || k.startsWith("window.retention."))
                        .as(k + " is a ProcessorConfig key")
                        .isTrue());
    }

    @Test
    void everyConnectorSettingIsASinkOrConnectKey() throws Exception {
        JsonNode connector = ofKind(base(), "KafkaConnector").get(0);
        Set<String> keys = new TreeSet<>();
        connector.at("/spec/config").fieldNames().forEachRemaining(keys::add);
        Set<String> known = new HashSet<>(SinkConfig.DEFINITION.names());
        known.addAll(SinkConnectorConfig.configDef().names());

        assertThat(keys)
                .allSatisfy(k -> assertThat(known.contains(k) || k.startsWith("consumer.override."))
                        .as(k + " is a SinkConfig or Connect sink key")
                        .isTrue());
        assertThat(connector
                        .at("/spec/config/consumer.override.isolation.level")
                        .asText())
                .isEqualTo("read_committed");
        assertThat(connector
                        .at("/spec/config/errors.deadletterqueue.topic.name")
                        .asText())
                .isEqualTo(Topics.SINK_DLQ);
        assertThat(Set.of(connector.at("/spec/config/topics").asText().split(",", -1)))
                .containsExactlyInAnyOrder(Topics.USAGE_PRICED, Topics.BUDGET_ALERTS);
    }

    @Test
    void theConnectorClassIsInThePackagedPlugin() throws Exception {
        String cls = ofKind(base(), "KafkaConnector").get(0).at("/spec/class").asText();
        assertThat(cls).isEqualTo(AgentMeterSinkConnector.class.getName());
        Path target = DEPLOY.resolveSibling("sink-connector").resolve("target");
        Path zip;
        try (var files = Files.list(target)) {
            zip = files.filter(f -> f.getFileName().toString().endsWith("-plugin.zip"))
                    .findFirst()
                    .orElseThrow(
                            () -> new AssertionError("no plugin zip in " + target + " (mvn package the sink first)"));
        }
        String entry = cls.replace('.', '/') + ".class";
        boolean found = false;
        try (ZipFile plugin = new ZipFile(zip.toFile())) {
            for (ZipEntry jar :
                    plugin.stream().filter(e -> e.getName().endsWith(".jar")).toList()) {
                try (ZipInputStream in = new ZipInputStream(plugin.getInputStream(jar))) {
                    for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                        found |= e.getName().equals(entry);
                    }
                }
            }
        }
        assertThat(found).as(entry + " in a jar of " + zip).isTrue();
    }

    @Test
    void theImagesAreTheOnesTheJibBuildMakes() throws Exception {
        String parent = Files.readString(DEPLOY.resolveSibling("pom.xml"));
        Set<String> built = new TreeSet<>();
        for (String property : List.of("image.processor", "image.connect", "image.cli")) {
            Matcher m = Pattern.compile("<" + property + ">([^<]+)</" + property + ">")
                    .matcher(parent);
            assertThat(m.find()).as(property + " in the parent pom").isTrue();
            built.add(m.group(1));
        }
        Set<String> used = new TreeSet<>();
        for (JsonNode doc : base()) {
            doc.findValues("image").forEach(n -> {
                if (n.isTextual() && n.asText().startsWith("ghcr.io/agentmeter/")) {
                    used.add(n.asText().replaceAll(":[^:/]+$", ""));
                }
            });
        }
        assertThat(used).isEqualTo(built);
    }

    // --- network policies -----------------------------------------------------------------------

    /** The pod templates' {@code app.kubernetes.io/name} whose containers' env values contain {@code address}. */
    static Set<String> podsReaching(List<JsonNode> docs, String address) {
        Set<String> names = new TreeSet<>();
        for (JsonNode doc : docs) {
            JsonNode template = doc.path("kind").asText().equals("CronJob")
                    ? doc.at("/spec/jobTemplate/spec/template")
                    : doc.at("/spec/template");
            String name = template.at("/metadata/labels")
                    .path("app.kubernetes.io/name")
                    .asText();
            for (JsonNode container : template.at("/spec/containers")) {
                for (JsonNode env : container.path("env")) {
                    boolean secretPg = address.equals("postgres")
                            && env.at("/valueFrom/secretKeyRef/name").asText().equals("agentmeter-pg-app");
                    if (env.path("value").asText().contains(address) || secretPg) {
                        names.add(name);
                    }
                }
            }
        }
        return names;
    }

    /** The {@code app.kubernetes.io/name}s a policy's ingress lets in (matchLabels and In expressions). */
    static Set<String> admitted(JsonNode policy) {
        Set<String> names = new TreeSet<>();
        for (JsonNode rule : policy.at("/spec/ingress")) {
            for (JsonNode from : rule.path("from")) {
                JsonNode selector = from.path("podSelector");
                if (selector.at("/matchLabels").has("app.kubernetes.io/name")) {
                    names.add(selector.at("/matchLabels")
                            .get("app.kubernetes.io/name")
                            .asText());
                }
                for (JsonNode e : selector.path("matchExpressions")) {
                    if (e.path("key").asText().equals("app.kubernetes.io/name")
                            && e.path("operator").asText().equals("In")) {
                        e.path("values").forEach(v -> names.add(v.asText()));
                    }
                }
            }
        }
        return names;
    }

    private static JsonNode policy(List<JsonNode> docs, String name) {
        return ofKind(docs, "NetworkPolicy").stream()
                .filter(p -> p.at("/metadata/name").asText().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void everyPartThatTalksToKafkaIsLetInByTheKafkaPolicy() throws Exception {
        List<JsonNode> docs = base();
        Set<String> clients = podsReaching(docs, "agentmeter-kafka-bootstrap");

        assertThat(clients).contains("processor", "collector", "dashboard", "notifier", "price-import");
        assertThat(admitted(policy(docs, "kafka-clients"))).containsAll(clients);
    }

    @Test
    void everyPartThatTalksToPostgresIsLetInByThePostgresPolicy() throws Exception {
        List<JsonNode> docs = base();
        Set<String> clients = podsReaching(docs, "postgres");

        assertThat(clients).contains("archive", "reconcile");
        assertThat(admitted(policy(docs, "postgres"))).containsAll(clients);
    }

    /** The Secrets a workload's pods mount or read env from, by {@code app.kubernetes.io/name}. */
    static Set<String> secretsOf(List<JsonNode> docs, String app) {
        Set<String> secrets = new TreeSet<>();
        for (JsonNode doc : docs) {
            JsonNode template = doc.at("/spec/template");
            if (!template.at("/metadata/labels")
                    .path("app.kubernetes.io/name")
                    .asText()
                    .equals(app)) {
                continue;
            }
            template.at("/spec/volumes").forEach(v -> {
                if (v.has("secret")) {
                    secrets.add(v.at("/secret/secretName").asText());
                }
            });
            template.at("/spec/containers")
                    .forEach(c -> c.path("env").forEach(e -> {
                        if (e.at("/valueFrom/secretKeyRef").isObject()) {
                            secrets.add(e.at("/valueFrom/secretKeyRef/name").asText());
                        }
                    }));
        }
        return secrets;
    }

    @Test
    void noSecretIsPassedOnACommandLine() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (JsonNode doc : base()) {
            JsonNode template = doc.path("kind").asText().equals("CronJob")
                    ? doc.at("/spec/jobTemplate/spec/template")
                    : doc.at("/spec/template");
            for (JsonNode c : template.at("/spec/containers")) {
                String args = c.path("args").toString() + c.path("command").toString();
                c.path("env").forEach(e -> {
                    if (e.at("/valueFrom/secretKeyRef").isObject()
                            && args.contains("$(" + e.path("name").asText() + ")")) {
                        leaks.add(doc.at("/metadata/name").asText() + "/"
                                + c.path("name").asText() + ": "
                                + e.path("name").asText());
                    }
                });
            }
        }
        // Arguments are visible to every process on the node (ps, /proc); a Secret goes in as a file or an env var.
        assertThat(leaks).isEmpty();
    }

    @Test
    void theTokenAgentsHoldOpensOnlyTheCollector() throws Exception {
        List<JsonNode> docs = base();

        assertThat(secretsOf(docs, "collector"))
                .filteredOn(s -> s.contains("token"))
                .containsExactly("agentmeter-ingest-tokens");
        assertThat(secretsOf(docs, "dashboard"))
                .doesNotContain("agentmeter-ingest-tokens")
                .contains("agentmeter-http-token");
        assertThat(secretsOf(docs, "processor"))
                .doesNotContain("agentmeter-ingest-tokens")
                .contains("agentmeter-http-token");
    }

    @Test
    void theBackupPatchMergedIntoTheBaseClusterIsValidAgainstTheCrd() throws Exception {
        ObjectNode cluster = (ObjectNode) ofKind(base(), "Cluster").get(0).deepCopy();
        JsonNode patch = documents(Files.readString(K8S.resolve("examples/pg-backup.yaml")))
                .get(0);
        ((ObjectNode) cluster.get("spec")).set("backup", patch.at("/spec/backup"));

        assertThat(check(cluster)).isEmpty();
        assertThat(cluster.at("/spec/backup/barmanObjectStore/s3Credentials/secretAccessKey/name")
                        .asText())
                .isEqualTo("agentmeter-pg-backup");
        JsonNode broken = cluster.deepCopy();
        ((ObjectNode) broken.at("/spec/backup/barmanObjectStore")).put("destinationPat", "s3://typo");
        assertThat(check(broken)).as("a misspelt key is caught").isNotEmpty();
    }

    @Test
    void everyPartOfOursHasAnEgressPolicyAndTheCollectorReachesKafkaAndDnsOnly() throws Exception {
        List<JsonNode> docs = base();
        Map<String, JsonNode> egress = new HashMap<>();
        for (JsonNode p : ofKind(docs, "NetworkPolicy")) {
            if (p.at("/spec/policyTypes").toString().contains("Egress")) {
                egress.put(
                        p.at("/spec/podSelector/matchLabels")
                                .path("app.kubernetes.io/name")
                                .asText(),
                        p);
            }
        }
        Set<String> parts = new TreeSet<>();
        for (JsonNode doc : docs) {
            String kind = doc.path("kind").asText();
            JsonNode template =
                    kind.equals("CronJob") ? doc.at("/spec/jobTemplate/spec/template") : doc.at("/spec/template");
            if (Set.of("Deployment", "StatefulSet", "CronJob").contains(kind)) {
                parts.add(template.at("/metadata/labels")
                        .path("app.kubernetes.io/name")
                        .asText());
            }
        }

        assertThat(parts)
                .contains("processor", "collector", "dashboard", "notifier", "price-import", "reconcile", "archive");
        assertThat(egress.keySet()).containsAll(parts);
        List<String> collectorPorts = new ArrayList<>();
        egress.get("collector")
                .at("/spec/egress")
                .forEach(r -> r.path("ports")
                        .forEach(port -> collectorPorts.add(port.path("port").asText())));
        assertThat(collectorPorts).containsExactlyInAnyOrder("53", "53", "9093");
    }

    // --- pods hardened ------------------------------------------------------------------------

    /** Every rule a pod of ours breaks, as "workload/container: rule"; empty when it keeps them all. */
    static List<String> hardeningProblems(List<JsonNode> docs) {
        List<String> problems = new ArrayList<>();
        for (JsonNode doc : docs) {
            String kind = doc.path("kind").asText();
            if (!Set.of("Deployment", "StatefulSet", "CronJob", "Job", "DaemonSet")
                    .contains(kind)) {
                continue;
            }
            JsonNode pod = kind.equals("CronJob")
                    ? doc.at("/spec/jobTemplate/spec/template/spec")
                    : doc.at("/spec/template/spec");
            String name = doc.at("/metadata/name").asText();
            if (!pod.at("/securityContext/runAsNonRoot").asBoolean()) {
                problems.add(name + ": runAsNonRoot");
            }
            if (!pod.at("/securityContext/seccompProfile/type").asText().equals("RuntimeDefault")) {
                problems.add(name + ": seccompProfile RuntimeDefault");
            }
            if (!pod.path("automountServiceAccountToken").isBoolean()
                    || pod.path("automountServiceAccountToken").asBoolean()) {
                problems.add(name + ": automountServiceAccountToken false");
            }
            for (JsonNode c : pod.path("containers")) {
                String where = name + "/" + c.path("name").asText();
                JsonNode sc = c.path("securityContext");
                if (!sc.path("allowPrivilegeEscalation").isBoolean()
                        || sc.path("allowPrivilegeEscalation").asBoolean()) {
                    problems.add(where + ": allowPrivilegeEscalation false");
                }
                if (!sc.path("readOnlyRootFilesystem").asBoolean()) {
                    problems.add(where + ": readOnlyRootFilesystem");
                }
                if (!sc.at("/capabilities/drop").toString().contains("\"ALL\"")) {
                    problems.add(where + ": capabilities drop ALL");
                }
                for (String limit : List.of("memory", "ephemeral-storage")) {
                    if (c.at("/resources/limits").path(limit).isMissingNode()) {
                        problems.add(where + ": a " + limit + " limit");
                    }
                }
                if (!kind.equals("CronJob")
                        && !kind.equals("Job")
                        && (c.path("livenessProbe").isMissingNode()
                                || c.path("readinessProbe").isMissingNode())) {
                    problems.add(where + ": liveness and readiness probes");
                }
            }
            for (JsonNode v : pod.path("volumes")) {
                if (v.has("emptyDir") && v.at("/emptyDir/sizeLimit").isMissingNode()) {
                    problems.add(name + ": emptyDir " + v.path("name").asText() + " without a sizeLimit");
                }
            }
        }
        return problems;
    }

    @Test
    void everyPodOfTheBaseIsHardened() throws Exception {
        assertThat(hardeningProblems(base())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyPodOfARenderedOverlayIsHardened(String overlay) throws Exception {
        assertThat(hardeningProblems(documents(kustomize(overlay)))).isEmpty();
    }

    @Test
    void aPodThatMayEscalateIsCaught() throws Exception {
        JsonNode notifier = ofKind(base(), "Deployment").stream()
                .filter(d -> d.at("/metadata/name").asText().equals("notifier"))
                .findFirst()
                .orElseThrow()
                .deepCopy();
        ((ObjectNode) notifier.at("/spec/template/spec/containers/0/securityContext"))
                .put("allowPrivilegeEscalation", true);

        assertThat(hardeningProblems(List.of(notifier)))
                .containsExactly("notifier/notifier: allowPrivilegeEscalation false");
    }

    // --- Kafka closed ---------------------------------------------------------------------------

    /** "user operation resource-type:name" for every ACL of every KafkaUser. */
    static Set<String> grants(List<JsonNode> docs) {
        Set<String> out = new TreeSet<>();
        for (JsonNode user : ofKind(docs, "KafkaUser")) {
            for (JsonNode acl : user.at("/spec/authorization/acls")) {
                JsonNode r = acl.get("resource");
                String resource = r.path("type").asText() + ":" + r.path("name").asText("kafka-cluster")
                        + (r.path("patternType").asText().equals("prefix") ? "*" : "");
                acl.get("operations")
                        .forEach(
                                op -> out.add(user.at("/metadata/name").asText() + " " + op.asText() + " " + resource));
            }
        }
        return out;
    }

    @Test
    void everyListenerAuthenticatesAdmitsOnlyAgentmetersPodsAndEverythingNeedsAnAcl() throws Exception {
        JsonNode kafka = ofKind(base(), "Kafka").get(0);

        assertThat(kafka.at("/spec/kafka/authorization/type").asText()).isEqualTo("simple");
        assertThat(kafka.at("/spec/kafka/listeners")).isNotEmpty().allSatisfy(l -> {
            assertThat(l.at("/authentication/type").asText())
                    .as(l.path("name").asText())
                    .isIn("scram-sha-512", "tls");
            assertThat(l.path("networkPolicyPeers")).as(l.path("name").asText()).isNotEmpty();
        });
    }

    @Test
    void onlyThePriceWritersMayWritePricesAndOnlyTheCollectorWritesRawEvents() throws Exception {
        Set<String> grants = grants(base());

        assertThat(grants.stream().filter(g -> g.matches("\\S+ (Write|All) topic:agentmeter\\.prices")))
                .containsExactlyInAnyOrder(
                        "agentmeter-processor Write topic:agentmeter.prices",
                        "agentmeter-prices Write topic:agentmeter.prices");
        assertThat(grants.stream().filter(g -> g.matches("\\S+ (Write|All) topic:agentmeter\\.usage\\.raw")))
                .containsExactly("agentmeter-collector Write topic:agentmeter.usage.raw");
        assertThat(grants.stream().filter(g -> g.startsWith("agentmeter-collector ")))
                .containsExactlyInAnyOrder(
                        "agentmeter-collector Write topic:agentmeter.usage.raw",
                        "agentmeter-collector Describe topic:agentmeter.usage.raw");
        assertThat(grants)
                .noneMatch(g -> g.matches("\\S+ All topic:agentmeter\\.(usage|prices|budget).*"))
                .noneMatch(g ->
                        g.contains(" cluster:") && !g.matches("\\S+ (Describe|DescribeConfigs) cluster:kafka-cluster"));
    }

    @Test
    void everyKafkaClientAuthenticatesOverTlsAsAUserTheBaseDefines() throws Exception {
        List<JsonNode> docs = base();
        Set<String> users = new TreeSet<>();
        ofKind(docs, "KafkaUser").forEach(u -> users.add(u.at("/metadata/name").asText()));
        int clients = 0;
        for (JsonNode doc : docs) {
            JsonNode template = doc.path("kind").asText().equals("CronJob")
                    ? doc.at("/spec/jobTemplate/spec/template")
                    : doc.at("/spec/template");
            for (JsonNode c : template.at("/spec/containers")) {
                Map<String, JsonNode> env = new HashMap<>();
                c.path("env").forEach(e -> env.put(e.path("name").asText(), e));
                boolean kafka = env.values().stream()
                        .anyMatch(e -> e.path("value").asText().contains("agentmeter-kafka-bootstrap"));
                if (!kafka) {
                    continue;
                }
                clients++;
                String name = doc.at("/metadata/name").asText();
                assertThat(env.values().stream()
                                .filter(e -> e.path("value").asText().contains("agentmeter-kafka-bootstrap")))
                        .as(name)
                        .allSatisfy(e -> assertThat(e.path("value").asText()).endsWith(":9093"));
                assertThat(env.get("AGENTMETER_KAFKA_SECURITY_PROTOCOL")
                                .path("value")
                                .asText())
                        .as(name)
                        .isEqualTo("SASL_SSL");
                assertThat(env.get("AGENTMETER_KAFKA_SASL_JAAS_CONFIG")
                                .at("/valueFrom/secretKeyRef/name")
                                .asText())
                        .as(name)
                        .isIn(users);
            }
        }
        assertThat(clients).isEqualTo(5); // collector, dashboard, processor, notifier, price import
        assertThat(ofKind(docs, "KafkaConnect")
                        .get(0)
                        .at("/spec/authentication/username")
                        .asText())
                .isIn(users);
    }

    // --- operations: alert rules, runbook, Grafana -------------------------------------------

    @Test
    void everyAgentmeterMetricTheAlertsAndGrafanaReadIsOneTheCodeExports() throws Exception {
        Set<String> exported = new TreeSet<>();
        Pattern meter = Pattern.compile("\"(agentmeter\\.[a-z0-9.]+)\"");
        try (var sources = Files.walk(DEPLOY.getParent())) {
            for (Path f : sources.filter(
                            f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/"))
                    .toList()) {
                Matcher m = meter.matcher(Files.readString(f));
                while (m.find()) {
                    String name = m.group(1).replace('.', '_');
                    exported.add(name);
                    exported.add(name + "_total"); // a counter, as Micrometer's Prometheus registry names it
                }
            }
        }
        String read = Files.readString(K8S.resolve("base/alerts.yaml"))
                + Files.readString(DEPLOY.resolve("grafana/agentmeter.json"));
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("\\b(agentmeter_[a-z0-9_]+)").matcher(read);
        while (m.find()) {
            used.add(m.group(1));
        }
        assertThat(used)
                .isNotEmpty()
                .allSatisfy(
                        name -> assertThat(exported).as(name + " is exported").contains(name));
    }

    @Test
    void everyAlertHasARunbookSection() throws Exception {
        String readme = Files.readString(DEPLOY.resolve("README.md"));
        Set<String> anchors = new TreeSet<>();
        readme.lines()
                .filter(l -> l.startsWith("#"))
                .forEach(l -> anchors.add(l.replaceFirst("^#+\\s*", "")
                        .toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9 -]", "")
                        .replace(' ', '-')));
        JsonNode rule = ofKind(base(), "PrometheusRule").get(0);
        List<JsonNode> alerts = new ArrayList<>();
        rule.at("/spec/groups").forEach(g -> g.get("rules").forEach(alerts::add));
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(5).allSatisfy(a -> {
            String url = a.at("/annotations/runbook_url").asText();
            assertThat(url).startsWith("deploy/README.md#");
            assertThat(anchors).as(a.get("alert").asText()).contains(url.substring(url.indexOf('#') + 1));
        });
    }

    @Test
    void theGrafanaDashboardIsGrafanaJsonWithOnePanelPerConcern() throws Exception {
        JsonNode dashboard = new ObjectMapper()
                .readTree(DEPLOY.resolve("grafana/agentmeter.json").toFile());
        List<String> titles = new ArrayList<>();
        dashboard.get("panels").forEach(p -> titles.add(p.get("title").asText()));
        assertThat(dashboard.get("uid").asText()).isEqualTo("agentmeter-overview");
        assertThat(String.join("\n", titles))
                .contains(
                        "Events priced per second",
                        "Consumer lag",
                        "Rejected per second, by reason",
                        "Spend per hour by team",
                        "Budget alerts raised",
                        "Rows written per second",
                        "Retries and dead letters",
                        "Client spool");
    }
}

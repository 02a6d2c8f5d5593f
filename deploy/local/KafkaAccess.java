import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * deploy/local's Kafka users and ACLs, the same as deploy/k8s's KafkaUsers: one SCRAM-SHA-512 user
 * per part, each allowed what that part does and nothing else (the brokers deny whatever no ACL
 * allows). Run by cluster.sh as the admin user after the brokers are up; running it again changes
 * nothing. A single-file program (java KafkaAccess.java), so that it needs only the Kafka client
 * jars the cluster already has.
 *
 *   java -cp 'libs/*' KafkaAccess.java BOOTSTRAP ADMIN_PROPERTIES CREDENTIALS_DIR
 *
 * CREDENTIALS_DIR holds USER.password for every user below.
 */
public final class KafkaAccess {

    static final String RAW = "agentmeter.usage.raw";
    static final String PRICED = "agentmeter.usage.priced";
    static final String REJECTED = "agentmeter.usage.rejected";
    static final String PRICES = "agentmeter.prices";
    static final String BUDGETS = "agentmeter.budgets";
    static final String ALERTS = "agentmeter.budget-alerts";
    static final String STATUS = "agentmeter.budget-status";
    static final String DLQ = "agentmeter.sink.dlq";
    static final String PROCESSOR = "agentmeter-processor"; // the Streams application.id
    static final List<String> CONTRACT_TOPICS = List.of(RAW, PRICED, REJECTED, PRICES, BUDGETS, ALERTS, STATUS);

    public static void main(String[] args) throws Exception {
        Properties admin = new Properties();
        try (var in = Files.newInputStream(Path.of(args[1]))) {
            admin.load(in);
        }
        admin.put("bootstrap.servers", args[0]);
        Path credentials = Path.of(args[2]);
        Map<String, List<AclBinding>> acls = acls();
        try (Admin client = Admin.create(admin)) {
            List<UserScramCredentialAlteration> users = new ArrayList<>();
            for (String user : acls.keySet()) {
                String password = Files.readString(credentials.resolve(user + ".password")).trim();
                users.add(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                        password));
            }
            client.alterUserScramCredentials(users).all().get(60, TimeUnit.SECONDS);
            List<AclBinding> all = acls.values().stream().flatMap(List::stream).toList();
            client.createAcls(all).all().get(60, TimeUnit.SECONDS);
            System.out.println("kafka access: " + acls.size() + " users, " + all.size() + " ACLs");
        }
    }

    /** Each user's ACLs. */
    static Map<String, List<AclBinding>> acls() {
        Map<String, List<AclBinding>> out = new LinkedHashMap<>();
        // The collector (and any agent's producer client): writes raw events, nothing else.
        out.put("collector", List.of(
                topic("collector", RAW, AclOperation.WRITE), topic("collector", RAW, AclOperation.DESCRIBE)));
        // The stream processor: reads the inputs, writes the outputs, owns its internal topics, group and
        // transactions; creates the contract topics it finds missing, and seeds the bundled prices.
        List<AclBinding> processor = new ArrayList<>();
        for (String t : CONTRACT_TOPICS) {
            processor.add(topic("processor", t, AclOperation.CREATE));
            processor.add(topic("processor", t, AclOperation.DESCRIBE));
        }
        for (String t : List.of(RAW, PRICES, BUDGETS)) {
            processor.add(topic("processor", t, AclOperation.READ));
        }
        for (String t : List.of(PRICED, REJECTED, ALERTS, STATUS, PRICES)) {
            processor.add(topic("processor", t, AclOperation.WRITE));
        }
        processor.add(prefixed("processor", ResourceType.TOPIC, PROCESSOR + "-", AclOperation.ALL));
        processor.add(prefixed("processor", ResourceType.GROUP, PROCESSOR, AclOperation.READ));
        processor.add(prefixed("processor", ResourceType.TRANSACTIONAL_ID, PROCESSOR, AclOperation.WRITE));
        processor.add(prefixed("processor", ResourceType.TRANSACTIONAL_ID, PROCESSOR, AclOperation.DESCRIBE));
        out.put("processor", processor);
        // Connect (workers and the sink): reads priced and alerts, writes its DLQ and its own topics and group.
        out.put("connect", List.of(
                topic("connect", PRICED, AclOperation.READ), topic("connect", PRICED, AclOperation.DESCRIBE),
                topic("connect", ALERTS, AclOperation.READ), topic("connect", ALERTS, AclOperation.DESCRIBE),
                topic("connect", DLQ, AclOperation.ALL),
                prefixed("connect", ResourceType.TOPIC, "agentmeter-sink-", AclOperation.ALL),
                prefixed("connect", ResourceType.GROUP, "agentmeter-sink", AclOperation.READ),
                prefixed("connect", ResourceType.GROUP, "connect-agentmeter", AclOperation.READ),
                cluster("connect", AclOperation.DESCRIBE), cluster("connect", AclOperation.DESCRIBE_CONFIGS)));
        // The CLI's writers, each for one compacted topic: `prices set|import` and `budgets set`.
        out.put("prices", writer("prices", PRICES));
        out.put("budgets", writer("budgets", BUDGETS));
        return out;
    }

    /** Reads and writes one topic, in transactions of its own (the CLI publishes transactionally). */
    static List<AclBinding> writer(String user, String topic) {
        return List.of(topic(user, topic, AclOperation.READ), topic(user, topic, AclOperation.WRITE),
                topic(user, topic, AclOperation.DESCRIBE),
                prefixed(user, ResourceType.TRANSACTIONAL_ID, "agentmeter-cli-" + topic, AclOperation.WRITE),
                prefixed(user, ResourceType.TRANSACTIONAL_ID, "agentmeter-cli-" + topic, AclOperation.DESCRIBE),
                prefixed(user, ResourceType.GROUP, "agentmeter-cli-", AclOperation.READ));
    }

    static AclBinding topic(String user, String topic, AclOperation op) {
        return allow(user, new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL), op);
    }

    static AclBinding prefixed(String user, ResourceType type, String prefix, AclOperation op) {
        return allow(user, new ResourcePattern(type, prefix, PatternType.PREFIXED), op);
    }

    static AclBinding cluster(String user, AclOperation op) {
        return allow(user, new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL), op);
    }

    static AclBinding allow(String user, ResourcePattern resource, AclOperation op) {
        return new AclBinding(resource, new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
    }
}

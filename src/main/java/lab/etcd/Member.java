package lab.etcd;

import java.util.List;

/** A member of the cluster as the member list shows it; {@code name} is empty until the member has started. */
public record Member(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {

    public Member {
        peerUrls = List.copyOf(peerUrls);
        clientUrls = List.copyOf(clientUrls);
    }
}

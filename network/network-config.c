/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "basic/strv.h"
#include "network/network.h"

void network_config_done(struct network_config *nc) {
        free(nc->bridge);
        free(nc->zone);
        strv_free(nc->macvlan);
        strv_free(nc->ipvlan);
        strv_free(nc->interfaces);
        free(nc->addresses);
        free(nc->host_addresses);
        free(nc->gateways);
        *nc = (struct network_config) {};
}

bool network_has_veth(const struct network_config *nc) {
        return nc->veth || nc->bridge || nc->zone;
}

bool network_config_is_private(const struct network_config *nc) {
        return nc->private_network || network_has_veth(nc) || nc->n_macvlan > 0 || nc->n_ipvlan > 0 ||
                nc->n_interfaces > 0;
}

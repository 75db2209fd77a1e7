"""The network a Glue connection needs, and nothing that bills while idle.

A NETWORK connection puts the job's network interfaces in a private subnet; Glue needs a
security group that lets those interfaces reach each other (a self-referencing inbound
rule for all TCP) and a route to S3 (a *gateway* endpoint, free, on the subnets' route
table). No internet or NAT gateway, no Elastic IP, no interface endpoint.

In a VPC of the stack's own, the subnets use its main route table, which carries the S3
endpoint. In a shared VPC (config ``vpcId``) the stack adds only its subnets and its
security group; the VPC's main route table must already route S3 through a gateway
endpoint (docs/account.md, "Sharing a VPC").
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.account_plan import Network

ALL_TCP = (0, 65535)


@dataclass
class GlueNetworkArgs:
    network: Network
    """The planned VPC (or the shared one's id), subnets, security group and endpoint."""


class GlueNetwork(pulumi.ComponentResource):
    vpc_id: pulumi.Output[str]
    subnets: list[aws.ec2.Subnet]
    security_group: aws.ec2.SecurityGroup
    endpoint: aws.ec2.VpcEndpoint | None

    def __init__(
        self, name: str, args: GlueNetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aws2openstack:testenv:GlueNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        plan = args.network

        vpc = None
        if plan.vpc_id is None:
            vpc = aws.ec2.Vpc(
                f"{name}-vpc",
                cidr_block=plan.vpc_cidr,
                # A Glue connection's VPC must resolve DNS names (S3's among them).
                enable_dns_support=True,
                enable_dns_hostnames=True,
                tags={"Name": plan.vpc_name},
                opts=child,
            )
            self.vpc_id = vpc.id
        else:
            self.vpc_id = pulumi.Output.from_input(plan.vpc_id)

        self.subnets = [
            aws.ec2.Subnet(
                f"{name}-subnet-{index + 1}",
                vpc_id=self.vpc_id,
                cidr_block=subnet.cidr,
                availability_zone=subnet.availability_zone,
                map_public_ip_on_launch=False,
                tags={"Name": subnet.name},
                opts=child,
            )
            for index, subnet in enumerate(plan.subnets)
        ]
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-security-group",
            name=plan.security_group_name,
            description=plan.security_group_description,
            vpc_id=self.vpc_id,
            tags={"Name": plan.security_group_name},
            opts=child,
        )
        group_id = self.security_group.id
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-self-ingress",
            security_group_id=group_id,
            referenced_security_group_id=group_id,
            ip_protocol="tcp",
            from_port=ALL_TCP[0],
            to_port=ALL_TCP[1],
            description="Glue: the connection's network interfaces reach each other",
            opts=child,
        )
        # The provider removes the group's default allow-all egress; Glue needs one back.
        # The subnets route nowhere but the VPC and the S3 endpoint.
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-egress",
            security_group_id=group_id,
            cidr_ipv4="0.0.0.0/0",
            ip_protocol="-1",
            description="Glue: out to S3 through the gateway endpoint and within the VPC",
            opts=child,
        )
        self.endpoint = None
        if vpc is not None:
            self.endpoint = aws.ec2.VpcEndpoint(
                f"{name}-s3-endpoint",
                vpc_id=vpc.id,
                service_name=plan.s3_service,
                vpc_endpoint_type="Gateway",
                route_table_ids=[vpc.main_route_table_id],
                tags={"Name": plan.endpoint_name},
                opts=child,
            )
        self.ids = pulumi.Output.all(
            self.vpc_id,
            [subnet.id for subnet in self.subnets],
            group_id,
            self.endpoint.id if self.endpoint else None,
        ).apply(lambda ids: _ids(plan, *ids))
        self.register_outputs({"ids": self.ids})


def _ids(plan: Network, vpc: str, subnets: list[str], group: str, endpoint: str | None) -> dict:
    """The ids AWS gives, which the ground truth cannot know, by the names it states."""
    return {
        "vpc_id": vpc,
        "subnet_ids": {
            subnet.name: subnet_id for subnet, subnet_id in zip(plan.subnets, subnets, strict=True)
        },
        "security_group_ids": {plan.security_group_name: group},
        "vpc_endpoint_ids": {plan.endpoint_name: endpoint} if plan.endpoint_name else {},
    }

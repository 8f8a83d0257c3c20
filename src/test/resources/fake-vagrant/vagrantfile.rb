# FAKE Vagrant's Vagrantfile loading, for the fake vagrant only: evaluates ./Vagrantfile as Ruby, as Vagrant does
# (so its own code runs: the lab key it makes, the constants it computes), against a recording stand-in for
# Vagrant's configuration DSL. What is recorded is what the fake acts on: the SSH settings, each machine's name,
# private network address and provisioners in order. Anything else is accepted and ignored, as Vagrant ignores the
# configuration of providers it does not use.
#   FakeVagrantfile.load(path) -> {insert_key:, username:, machines: [{name:, ip:, provisioners: [...]}]}
require "rubygems"

module FakeVagrantfile
  VERSION = "2.3.4" # the Vagrant this fake answers as (Debian 12's)

  # Accepts any setting, call or block: provider and plugin configuration nobody here reads.
  class Anything
    def method_missing(_name, *_args, **_kw, &blk)
      blk&.call(Anything.new)
      self
    end

    def respond_to_missing?(*)
      true
    end
  end

  class Ssh < Anything
    attr_accessor :username, :insert_key, :private_key_path
  end

  class Vm < Anything
    attr_accessor :box, :box_url, :hostname
    attr_reader :networks, :provisioners, :definitions

    def initialize
      super
      @networks = []
      @provisioners = []
      @definitions = []
    end

    def network(type, **opts)
      @networks << [type, opts]
    end

    # provision :file, source:, destination: | provision :shell, inline:, privileged:
    def provision(type, **opts)
      @provisioners << opts.merge(type: type.to_s)
    end

    def define(name, **_opts, &blk)
      @definitions << [name.to_s, blk]
    end

    def provider(_name, **_opts, &blk)
      blk&.call(Anything.new)
    end

    def synced_folder(*_args, **_opts); end
  end

  class Config < Anything
    attr_reader :vm, :ssh

    def initialize
      super
      @vm = Vm.new
      @ssh = Ssh.new
    end
  end

  # What a Vagrantfile sees as the Vagrant module.
  module FakeVagrant
    @configs = []
    class << self
      attr_reader :configs

      def configure(version)
        raise "fake vagrant: only configuration version 2 is known, not #{version}" unless version.to_s == "2"

        c = Config.new
        yield c
        @configs << c
      end

      # As Vagrant: an unmet requirement stops everything (lib/vagrant.rb, Vagrant.require_version).
      def require_version(*requirements)
        return if Gem::Requirement.new(*requirements).satisfied_by?(Gem::Version.new(VERSION))

        warn "This Vagrant environment has specified that it requires the Vagrant\n" \
             "version to satisfy the following version requirements:\n\n  #{requirements.join(', ')}\n\n" \
             "You are running Vagrant #{VERSION}, which does not satisfy\nthese requirements."
        exit 1
      end

      def has_plugin?(*)
        false
      end
    end
  end

  def self.load(path)
    Object.send(:remove_const, :Vagrant) if Object.const_defined?(:Vagrant)
    Object.const_set(:Vagrant, FakeVagrant)
    Object.new.instance_eval(File.read(path), path)
    top = FakeVagrant.configs.last or raise "fake vagrant: #{path} has no Vagrant.configure block"
    machines = top.vm.definitions.map do |name, blk|
      node = Config.new
      blk&.call(node)
      ip = node.vm.networks.find { |t, _| t.to_s == "private_network" }&.last&.fetch(:ip, nil)
      # Vagrant runs the outer provisioners first, then the machine's own (its config merge appends them)
      { name: name, ip: ip, provisioners: top.vm.provisioners + node.vm.provisioners }
    end
    # config.ssh.insert_key defaults to true (plugins/kernel_v2/config/ssh.rb)
    { insert_key: top.ssh.insert_key.nil? ? true : top.ssh.insert_key, username: top.ssh.username || "vagrant",
      machines: machines }
  end
end

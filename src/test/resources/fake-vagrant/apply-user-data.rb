# FAKE coreos-cloudinit, for the fake vagrant's stand-in VMs only: applies the parts of a rendered cloud-config the
# lab's user-data uses to a stand-in's seed (see ../systemd-node/boot.sh): write_files under /etc, and
# coreos.units (content, drop-ins, "command: start" as a Wants= of the boot target). $private_ipv4 and
# $public_ipv4 become the VM's address, as coreos-cloudinit substitutes them. Anything else it cannot apply is an
# error, so a test never passes on user-data that was silently ignored.
#   ruby apply-user-data.rb USER_DATA SEED ADDRESS
require "yaml"
require "fileutils"

user_data, seed, address = ARGV
text = File.read(user_data)
abort "fake cloudinit: #{user_data} does not start with #cloud-config" unless text.start_with?("#cloud-config")
config = YAML.safe_load(text.gsub("$private_ipv4", address).gsub("$public_ipv4", address)) || {}
known = %w[write_files coreos ssh_authorized_keys hostname]
extra = config.keys - known
abort "fake cloudinit: cannot apply #{extra.join(', ')} of #{user_data}" unless extra.empty?

(config["write_files"] || []).each do |f|
  path = f["path"]
  abort "fake cloudinit: write_files path #{path} is outside /etc" unless path.start_with?("/etc/")
  dest = File.join(seed, "files", path)
  FileUtils.mkdir_p(File.dirname(dest))
  File.write(dest, f["content"] || "")
  File.chmod((f["permissions"] || "0644").to_i(8), dest)
end

coreos = config["coreos"] || {}
extra = coreos.keys - %w[units update etcd2 fleet]
abort "fake cloudinit: cannot apply coreos.#{extra.join(', coreos.')} of #{user_data}" unless extra.empty?
%w[etcd2 fleet].each do |k|
  abort "fake cloudinit: coreos.#{k} is classic CoreOS; the stand-in VMs are Flatcar" if coreos.key?(k)
end
units = File.join(seed, "units")
started = []
(coreos["units"] || []).each do |u|
  name = u["name"]
  File.write(File.join(units, name), u["content"]) if u["content"]
  (u["drop-ins"] || u["drop_ins"] || []).each do |d|
    dir = File.join(units, "#{name}.d")
    FileUtils.mkdir_p(dir)
    File.write(File.join(dir, d["name"]), d["content"])
  end
  started << name if u["command"] == "start"
end
dir = File.join(units, "lab.target.d")
FileUtils.mkdir_p(dir)
File.write(File.join(dir, "50-user-data.conf"), "[Unit]\nWants=#{started.join(' ')}\n")
puts started.join(" ")
